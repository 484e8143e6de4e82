package io.datapusher.worker.testsupport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process fake of CKAN's Action API (2.10 / 2.11), answering as CKAN's own
 * {@code ckan/logic/action} and {@code ckan/views/api.py} do, with switchable faults.
 *
 * <p>Serves {@code POST|GET /api/3/action/<name>} and {@code /api/action/<name>} for
 * {@code status_show}, {@code resource_show} and {@code resource_patch}, and the file URL of each
 * uploaded resource ({@code /dataset/<pkg>/resource/<id>/download/<name>}). Any other action name
 * answers like CKAN does for an unknown one (400, a bare JSON string), which also flags a worker
 * calling an action it should not.
 *
 * <p>Authentication is CKAN's: the token is read raw from {@code Authorization} (CKAN 2.10 reads
 * {@code X-CKAN-API-Key} first, then {@code Authorization}); a missing or unknown token is
 * anonymous, which is not an error by itself. The one valid token, set with {@link #token}, is a
 * sysadmin's.
 *
 * <p>Thread-safe. Every request is recorded. {@link #reset()} clears resources, faults and records
 * but keeps the token and the port.
 */
public final class FakeCkan implements AutoCloseable {

    public static final String DEFAULT_VERSION = "2.11.5";

    private static final System.Logger LOG = System.getLogger(FakeCkan.class.getName());
    private static final String JSON_TYPE = "application/json;charset=utf-8";
    private static final String HTML_TYPE = "text/html; charset=utf-8";
    private static final Pattern ACTION_PATH = Pattern.compile("^/api(?:/3)?/action/([^/]+)/?$");
    private static final Pattern DOWNLOAD_PATH =
            Pattern.compile("^/dataset/([^/]+)/resource/([^/]+)/download(?:/([^/]*))?$");
    private static final Set<String> ACTIONS = Set.of("status_show", "resource_show", "resource_patch",
            "resource_create_default_resource_views", "datapusher_hook");
    private static final Set<String> SIDE_EFFECT_FREE = Set.of("status_show", "resource_show");
    private static final DateTimeFormatter CKAN_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");
    /** Python's {@code %Y-%m-%dT%H:%M:%S.%f}: the fraction is required, one to six digits. */
    private static final DateTimeFormatter PYTHON_STRPTIME = new java.time.format.DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd'T'HH:mm:ss.")
            .appendFraction(java.time.temporal.ChronoField.MICRO_OF_SECOND, 1, 6, false)
            .toFormatter();
    /** The same, with an optional fraction, for dateutil-style parsing. */
    private static final DateTimeFormatter PYTHON_STRPTIME_LENIENT = new java.time.format.DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd'T'HH:mm:ss")
            .optionalStart().appendFraction(java.time.temporal.ChronoField.MICRO_OF_SECOND, 1, 6, true).optionalEnd()
            .toFormatter();
    private static final String SOLR_DOWN_MESSAGE = "Unable to add package to search index: Solr returned an error: "
            + "Failed to connect to server at http://solr:8983/solr/ckan/update?commit=true: "
            + "HTTPConnectionPool(host='solr', port=8983): Max retries exceeded with url: "
            + "/solr/ckan/update?commit=true (Caused by NewConnectionError('<urllib3.connection.HTTPConnection "
            + "object at 0x7f3a2c1d5e50>: Failed to establish a new connection: [Errno 111] Connection refused'))";

    private final ObjectMapper json = new ObjectMapper();
    private final ExecutorService executor;
    private final int port;
    private final Object lock = new Object();

    // state, guarded by lock
    private final Map<String, Map<String, Object>> resources = new LinkedHashMap<>();
    private final Map<String, byte[]> files = new HashMap<>();
    private final Map<String, Path> diskFiles = new HashMap<>();
    private final Map<String, Integer> downloadStatus = new HashMap<>();
    private final Map<String, Integer> downloads = new HashMap<>();
    private final Set<String> privateResources = new HashSet<>();
    private final Map<String, InjectedFailure> failNext = new HashMap<>();
    private final Map<String, Map<String, Object>> tasks = new HashMap<>();
    private final Map<String, List<String>> views = new HashMap<>();
    private HttpServer server;

    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

    private volatile String token;
    private volatile String version = DEFAULT_VERSION;
    private volatile boolean badToken;
    private volatile boolean solrDown;
    private volatile boolean serviceUnavailable;
    private volatile Duration slow = Duration.ZERO;
    private volatile boolean acceptChunkedBodies;
    private volatile String datapusherUrl;
    private final java.util.concurrent.atomic.AtomicReference<java.util.function.Consumer<String>> nextHook =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private record InjectedFailure(int status, int remaining) {
    }

    /** {@code file}, when set, is streamed from disk instead of {@code body}. */
    private record Response(int status, String contentType, byte[] body, Path file) {
        Response(int status, String contentType, byte[] body) {
            this(status, contentType, body, null);
        }
    }

    private FakeCkan() throws IOException {
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-ckan");
            t.setDaemon(true);
            return t;
        });
        this.server = bind(0);
        this.port = server.getAddress().getPort();
    }

    /** Starts a fake on 127.0.0.1 and a free port. */
    public static FakeCkan start() {
        try {
            return new FakeCkan();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start FakeCkan", e);
        }
    }

    /** {@code http://127.0.0.1:<port>}, without a trailing slash: the value of {@code ckan.url}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Stops the server for good. */
    @Override
    public void close() {
        synchronized (lock) {
            if (server != null) {
                server.stop(0);
                server = null;
            }
        }
        executor.shutdownNow();
    }

    // ------------------------------------------------------------------ configuration

    /** Sets the one valid (sysadmin) API token; {@code null} means every request is anonymous. */
    public FakeCkan token(String token) {
        this.token = token;
        return this;
    }

    public String token() {
        return token;
    }

    /** Sets {@code status_show}'s {@code ckan_version} (default {@value #DEFAULT_VERSION}). */
    public FakeCkan version(String ckanVersion) {
        this.version = Objects.requireNonNull(ckanVersion);
        return this;
    }

    // ------------------------------------------------------------------ state

    /**
     * Registers an uploaded resource shaped like {@code resource_show}'s result (contract 2.2),
     * named {@code data.<format>}, whose {@code url} is served by this fake with {@code content}.
     */
    public Map<String, Object> addResource(String id, byte[] content, String format) {
        Map<String, Object> dict = new LinkedHashMap<>();
        dict.put("id", id);
        dict.put("format", format);
        dict.put("name", "data." + (format == null || format.isBlank() ? "csv" : format.toLowerCase(Locale.ROOT)));
        return addResource(dict, content);
    }

    /**
     * Registers a resource from a (possibly partial) dict; missing keys get the defaults of contract
     * 2.2. When {@code url_type} is {@code upload} (the default), the url is this fake's download URL
     * of the resource itself: as in real CKAN 2.10, 2.11 and 2.12, whose resource dict keeps only the
     * last path segment of an upload's stored url, a url given with {@code url_type: upload} (say,
     * another resource's download URL) becomes this resource's own download URL under that file
     * name. Give an explicit {@code url} (and {@code url_type: null}) for a link to elsewhere. No file
     * is served when {@code content} is null.
     */
    public Map<String, Object> addResource(Map<String, Object> resource, byte[] content) {
        Map<String, Object> dict = new LinkedHashMap<>();
        String id = resource.get("id") == null ? UUID.randomUUID().toString() : resource.get("id").toString();
        String now = now();
        dict.put("id", id);
        dict.put("package_id", UUID.nameUUIDFromBytes(("package-" + id).getBytes(StandardCharsets.UTF_8)).toString());
        dict.put("name", "data.csv");
        dict.put("url", null);
        dict.put("url_type", "upload");
        dict.put("format", "CSV");
        dict.put("description", "");
        dict.put("hash", "");
        dict.put("mimetype", null);
        dict.put("mimetype_inner", null);
        dict.put("resource_type", null);
        dict.put("size", content == null ? null : content.length);
        dict.put("created", now);
        dict.put("last_modified", now);
        dict.put("metadata_modified", now);
        dict.put("cache_url", null);
        dict.put("cache_last_updated", null);
        dict.put("position", 0);
        dict.put("state", "active");
        dict.put("datastore_active", false);
        dict.putAll(deepCopy(resource));
        dict.put("id", id);
        if (dict.get("mimetype") == null) {
            dict.put("mimetype", mimetypeFor(String.valueOf(dict.get("format"))));
        }
        boolean noUrl = dict.get("url") == null || dict.get("url").toString().isEmpty();
        if ("upload".equals(dict.get("url_type"))) {
            String given = noUrl ? dict.get("name").toString() : dict.get("url").toString();
            dict.put("url", downloadUrl(dict.get("package_id").toString(), id, given.substring(given.lastIndexOf('/') + 1)));
        } else if (noUrl) {
            dict.put("url", "");
        }
        synchronized (lock) {
            resources.put(id, dict);
            diskFiles.remove(id);
            if (content != null) {
                files.put(id, content.clone());
            } else {
                files.remove(id);
            }
        }
        return deepCopy(dict);
    }

    /** Same as {@link #addResource(Map, byte[])} without a file. */
    public Map<String, Object> addResource(Map<String, Object> resource) {
        return addResource(resource, null);
    }

    /** Replaces the file served for a resource (as a re-upload would: size and last_modified change). */
    public void replaceFile(String id, byte[] content) {
        synchronized (lock) {
            Map<String, Object> dict = requireResource(id);
            diskFiles.remove(id);
            files.put(id, content.clone());
            String now = now();
            dict.put("size", content.length);
            dict.put("last_modified", now);
            dict.put("metadata_modified", now);
        }
    }

    /**
     * Registers an uploaded resource like {@link #addResource(String, byte[], String)}, whose file is
     * streamed from disk at each download, so that a file of any size costs this JVM no heap.
     */
    public Map<String, Object> addResource(String id, Path file, String format) throws IOException {
        addResource(id, (byte[]) null, format);
        replaceFile(id, file);
        return resource(id);
    }

    /** Serves the resource's file from disk from now on (as a re-upload would: size and last_modified change). */
    public void replaceFile(String id, Path file) throws IOException {
        long size = Files.size(file);
        synchronized (lock) {
            Map<String, Object> dict = requireResource(id);
            files.remove(id);
            diskFiles.put(id, file);
            String now = now();
            dict.put("size", size);
            dict.put("last_modified", now);
            dict.put("metadata_modified", now);
        }
    }

    /**
     * Deletes a resource as {@code resource_delete} does, as far as the worker can see: from then on
     * {@code resource_show} answers 404. (CKAN's DataStore then drops its table; a test does that itself.)
     */
    public void deleteResource(String id) {
        synchronized (lock) {
            requireResource(id);
            resources.remove(id);
        }
    }

    /** Marks the dataset of a resource private: anonymous reads and downloads get 403. */
    public void setPrivate(String id, boolean isPrivate) {
        synchronized (lock) {
            requireResource(id);
            if (isPrivate) {
                privateResources.add(id);
            } else {
                privateResources.remove(id);
            }
        }
    }

    /** The resource dict as now stored (a copy), or {@code null} if unknown. */
    public Map<String, Object> resource(String id) {
        synchronized (lock) {
            Map<String, Object> dict = resources.get(id);
            return dict == null ? null : deepCopy(dict);
        }
    }

    /** The URL the resource's file is served at. */
    public String fileUrl(String id) {
        synchronized (lock) {
            Map<String, Object> dict = requireResource(id);
            return downloadUrl(dict.get("package_id").toString(), id, dict.get("name").toString());
        }
    }

    // ------------------------------------------------------------------ recording

    /** Every request received, oldest first. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** The requests to one action, oldest first. */
    public List<RecordedRequest> requests(String action) {
        return requests.stream().filter(r -> action.equals(r.action())).toList();
    }

    /** The bodies of every {@code resource_patch} request (whatever its outcome), oldest first. */
    public List<Map<String, Object>> patches() {
        return requests("resource_patch").stream().map(RecordedRequest::body).toList();
    }

    /** How many times the file URL of a resource was requested (any outcome). */
    public int downloads(String id) {
        synchronized (lock) {
            return downloads.getOrDefault(id, 0);
        }
    }

    /** Clears resources, faults and records; restores the version; keeps the token and the port. */
    public void reset() {
        synchronized (lock) {
            resources.clear();
            files.clear();
            diskFiles.clear();
            downloadStatus.clear();
            downloads.clear();
            privateResources.clear();
            failNext.clear();
            tasks.clear();
            views.clear();
        }
        nextHook.set(null);
        requests.clear();
        version = DEFAULT_VERSION;
        badToken = false;
        solrDown = false;
        serviceUnavailable = false;
        slow = Duration.ZERO;
        acceptChunkedBodies = false;
        refuseConnections(false);
    }

    // ------------------------------------------------------------------ faults

    /**
     * Solr unreachable: {@code resource_patch} answers 500 "Search Index Error" exactly as contract
     * 1.4 and does not persist the change; reads keep working.
     */
    public FakeCkan solrDown(boolean down) {
        this.solrDown = down;
        return this;
    }

    /** CKAN down behind its proxy: every request (actions and files) answers 503 with an HTML page. */
    public FakeCkan serviceUnavailable(boolean unavailable) {
        this.serviceUnavailable = unavailable;
        return this;
    }

    /**
     * {@code true} stops the HTTP server, so connections are refused; {@code false} starts it again
     * on the same port.
     */
    public FakeCkan refuseConnections(boolean refuse) {
        synchronized (lock) {
            if (refuse && server != null) {
                server.stop(0);
                server = null;
            } else if (!refuse && server == null) {
                try {
                    server = bind(port);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot rebind FakeCkan to port " + port, e);
                }
            }
        }
        return this;
    }

    /** Whether connections are refused now. */
    public boolean refusingConnections() {
        synchronized (lock) {
            return server == null;
        }
    }

    /** Delays every response by this much ({@link Duration#ZERO} to stop). */
    public FakeCkan slow(Duration delay) {
        this.slow = delay == null ? Duration.ZERO : delay;
        return this;
    }

    /**
     * The next {@code times} calls of {@code action} answer {@code status} with CKAN's envelope for
     * it (403 Authorization Error, 404 Not Found Error, 409 Validation Error, 500 Internal Server
     * Error; 502/503/504 an HTML proxy page). Counts add up per action; the last call wins the status.
     */
    public FakeCkan failNext(String action, int status, int times) {
        synchronized (lock) {
            InjectedFailure prev = failNext.get(action);
            int remaining = times + (prev == null ? 0 : prev.remaining());
            if (remaining > 0) {
                failNext.put(action, new InjectedFailure(status, remaining));
            } else {
                failNext.remove(action);
            }
        }
        return this;
    }

    /** The file URL of a resource answers this status with an HTML page (200 restores it). */
    public FakeCkan downloadStatus(String id, int status) {
        synchronized (lock) {
            if (status == 200) {
                downloadStatus.remove(id);
            } else {
                downloadStatus.put(id, status);
            }
        }
        return this;
    }

    /** The configured token is no longer accepted (as if revoked): every request is anonymous. */
    public FakeCkan badToken(boolean bad) {
        this.badToken = bad;
        return this;
    }

    /**
     * By default an action request whose body is sent chunked, without a {@code Content-Length},
     * is seen with an empty body (as by CKAN behind uWSGI), so a missing {@code id} answers 409.
     * {@code true} accepts such bodies.
     */
    public FakeCkan acceptChunkedBodies(boolean accept) {
        this.acceptChunkedBodies = accept;
        return this;
    }

    // ------------------------------------------------------------------ the datapusher plugin

    /**
     * Where this fake's datapusher plugin sends jobs, as {@code ckan.datapusher.url} (e.g.
     * {@code http://127.0.0.1:8081/}). Its {@code ckan.datapusher.api_token} is the sysadmin token.
     */
    public FakeCkan datapusherUrl(String url) {
        this.datapusherUrl = url;
        return this;
    }

    /** What {@link #datapusherSubmit} got back. */
    public record Submitted(boolean submitted, int status, Map<String, Object> answer) {
    }

    /**
     * CKAN's {@code datapusher_submit} as the plugin, the "Upload to DataStore" button and the CLI
     * run it (ckanext/datapusher/logic/action.py): a fresh pending task means a duplicate and no
     * request; otherwise the task is {@code submitting}, {@code POST <datapusher url>job} gets five
     * seconds, and a 2xx answer's {@code job_id} and {@code job_key} make the task {@code pending}.
     * Any other answer puts the task in {@code error} with the service's {@code error} text.
     */
    public Submitted datapusherSubmit(String resourceId, boolean ignoreHash) {
        String url = Objects.requireNonNull(datapusherUrl, "call datapusherUrl(...) first");
        Map<String, Object> resource;
        synchronized (lock) {
            resource = deepCopy(requireResource(resourceId));
            Map<String, Object> existing = tasks.get(resourceId);
            if (existing != null && "pending".equals(existing.get("state"))) {
                LocalDateTime updated = LocalDateTime.parse(existing.get("last_updated").toString(), CKAN_TIME);
                if (Duration.between(updated, LocalDateTime.now(ZoneOffset.UTC)).toSeconds() < 3600) {
                    return new Submitted(false, 0, Map.of());
                }
            }
        }
        String taskCreated = pythonUtcNow();
        putTask(resourceId, "submitting", "{}", "{}");
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("ignore_hash", ignoreHash);
        metadata.put("ckan_url", baseUrl());
        metadata.put("resource_id", resourceId);
        metadata.put("set_url_type", false);
        metadata.put("task_created", taskCreated);
        metadata.put("original_url", resource.get("url"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("api_key", token);
        body.put("job_type", "push_to_datastore");
        body.put("result_url", baseUrl() + "/api/3/action/datapusher_hook");
        body.put("metadata", metadata);
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(URI.create(url.endsWith("/") ? url + "job" : url + "/job"))
                    .timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(toJson(body))).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            putTask(resourceId, "error", "{}", toText(Map.of("message", "Could not connect to DataPusher.", "details", e.toString())));
            return new Submitted(false, -1, Map.of());
        }
        Map<String, Object> answer = asObject(response.body().getBytes(StandardCharsets.UTF_8));
        if (response.statusCode() / 100 != 2) {
            String error = answer != null && answer.get("error") instanceof String text ? " " + text : "";
            putTask(resourceId, "error", "{}", toText(Map.of("message", "An Error occurred while sending the job: "
                    + response.statusCode() + error, "status_code", response.statusCode())));
            return new Submitted(false, response.statusCode(), answer == null ? Map.of() : answer);
        }
        // CKAN reads both keys without a default: a missing one is a KeyError, the task stays submitting
        Object jobId = Objects.requireNonNull(answer, "not JSON").get("job_id");
        Object jobKey = answer.get("job_key");
        if (jobId == null || jobKey == null) {
            throw new IllegalStateException("POST /job answered without job_id or job_key: " + answer);
        }
        putTask(resourceId, "pending", toText(Map.of("job_id", jobId, "job_key", jobKey)), "{}");
        return new Submitted(true, response.statusCode(), answer);
    }

    /**
     * CKAN's {@code datapusher_status}, which the DataStore tab renders: the task's state, and the
     * worker's {@code GET /job/<id>} read with the job key, whose every log timestamp must parse with
     * {@code %Y-%m-%dT%H:%M:%S.%f} (else CKAN's page fails with a 500, and so does this method).
     */
    public Map<String, Object> datapusherStatus(String resourceId) {
        Map<String, Object> task = task(resourceId);
        if (task == null) {
            throw new IllegalStateException("no datapusher task for " + resourceId);
        }
        Map<String, Object> value = asObject(task.get("value").toString().getBytes(StandardCharsets.UTF_8));
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("status", task.get("state"));
        status.put("last_updated", task.get("last_updated"));
        status.put("error", asObject(task.get("error").toString().getBytes(StandardCharsets.UTF_8)));
        Object jobId = value == null ? null : value.get("job_id");
        status.put("job_id", jobId);
        Object info = null;
        if (jobId != null) {
            String url = datapusherUrl.endsWith("/") ? datapusherUrl + "job/" + jobId : datapusherUrl + "/job/" + jobId;
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(5)).header("Content-Type", "application/json")
                        .header("Authorization", String.valueOf(value.get("job_key"))).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 != 2) {
                    info = Map.of("error", "cannot connect to datapusher");
                } else {
                    Map<String, Object> detail = asObject(response.body().getBytes(StandardCharsets.UTF_8));
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> logs = (List<Map<String, Object>>) Objects.requireNonNull(detail).get("logs");
                    for (Map<String, Object> line : logs) {
                        if (line.containsKey("timestamp")) {
                            LocalDateTime.parse(line.get("timestamp").toString(), PYTHON_STRPTIME);
                        }
                    }
                    info = detail;
                }
            } catch (IOException | InterruptedException e) {
                info = Map.of("error", "cannot connect to datapusher");
            }
        }
        status.put("task_info", info);
        return status;
    }

    /**
     * Runs {@code action} (with the resource id) once, when the next datapusher_hook arrives and
     * before CKAN handles it: e.g. a curator re-uploading the file while the job ran.
     */
    public FakeCkan onNextHook(java.util.function.Consumer<String> action) {
        nextHook.set(action);
        return this;
    }

    /** Makes a resource's task look {@code age} old, as a task left pending since then would. */
    public void ageTask(String resourceId, Duration age) {
        synchronized (lock) {
            Map<String, Object> task = tasks.get(resourceId);
            if (task == null) {
                throw new IllegalArgumentException("no task for " + resourceId);
            }
            task.put("last_updated", LocalDateTime.now(ZoneOffset.UTC).minus(age).format(CKAN_TIME));
        }
    }

    /** The datapusher task of a resource, as task_status_show would show it, or null. */
    public Map<String, Object> task(String resourceId) {
        synchronized (lock) {
            Map<String, Object> task = tasks.get(resourceId);
            return task == null ? null : new LinkedHashMap<>(task);
        }
    }

    /** The view types created for a resource by resource_create_default_resource_views, oldest first. */
    public List<String> views(String resourceId) {
        synchronized (lock) {
            return List.copyOf(views.getOrDefault(resourceId, List.of()));
        }
    }

    /** The bodies of every datapusher_hook request, oldest first. */
    public List<Map<String, Object>> hooks() {
        return requests("datapusher_hook").stream().map(RecordedRequest::body).toList();
    }

    private void putTask(String resourceId, String state, String value, String error) {
        synchronized (lock) {
            Map<String, Object> task = tasks.computeIfAbsent(resourceId, id -> new LinkedHashMap<>());
            task.put("entity_id", resourceId);
            task.put("task_type", "datapusher");
            task.put("key", "datapusher");
            task.put("state", state);
            task.put("value", value);
            task.put("error", error);
            task.put("last_updated", now());
        }
    }

    /**
     * CKAN's {@code datapusher_hook}: the token must be allowed to update the resource; the task
     * takes the reported status; on {@code complete} the default views are made and, when the
     * resource changed after the job was submitted, the resource is submitted again before this
     * request answers, exactly as CKAN does it (a synchronous POST /job back to the worker).
     */
    private Response datapusherHook(Map<String, Object> data, boolean sysadmin) {
        if (!(data.get("metadata") instanceof Map<?, ?> metadata) || data.get("status") == null) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("__type", "Validation Error");
            error.put(data.get("status") == null ? "status" : "metadata", List.of("Missing value"));
            return envelopeError(409, "datapusher_hook", error);
        }
        Object rid = metadata.get("resource_id");
        if (rid == null) {
            return missingId("datapusher_hook");
        }
        String resourceId = rid.toString();
        if (!sysadmin) {
            return envelopeError(403, "datapusher_hook", accessDenied("User  not authorized to update resource " + resourceId));
        }
        java.util.function.Consumer<String> before = nextHook.getAndSet(null);
        if (before != null) {
            before.accept(resourceId);
        }
        String status = data.get("status").toString();
        boolean resubmit = false;
        synchronized (lock) {
            Map<String, Object> task = tasks.get(resourceId);
            if (task == null) {
                return envelopeError(404, "datapusher_hook", Map.of("__type", "Not Found Error", "message", "Not found: Task not found"));
            }
            task.put("state", status);
            task.put("last_updated", now());
            Map<String, Object> resource = resources.get(resourceId);
            if ("complete".equals(status) && resource != null) {
                List<String> existing = views.computeIfAbsent(resourceId, id -> new ArrayList<>());
                if (Boolean.TRUE.equals(resource.get("datastore_active")) && !existing.contains("datatables_view")) {
                    existing.add("datatables_view");
                }
                Object lastModified = resource.get("last_modified");
                Object taskCreated = metadata.get("task_created");
                if (lastModified != null && taskCreated != null) {
                    try {
                        resubmit = LocalDateTime.parse(lastModified.toString(), CKAN_TIME)
                                .isAfter(LocalDateTime.parse(taskCreated.toString().replace(' ', 'T'), PYTHON_STRPTIME_LENIENT));
                    } catch (DateTimeParseException ignored) {
                        // CKAN ignores a ValueError here too
                    }
                } else if (resource.get("url") != null && metadata.get("original_url") != null
                        && !resource.get("url").equals(metadata.get("original_url"))) {
                    resubmit = true;
                }
            }
        }
        if (resubmit) {
            datapusherSubmit(resourceId, false);
        }
        return ok("datapusher_hook", null);
    }

    private Response createDefaultViews(Map<String, Object> data, boolean sysadmin) {
        if (!sysadmin) {
            return envelopeError(403, "resource_create_default_resource_views",
                    accessDenied("User  not authorized to create views"));
        }
        if (!(data.get("resource") instanceof Map<?, ?> resource) || resource.get("id") == null) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("__type", "Validation Error");
            error.put("resource", List.of("Missing value"));
            return envelopeError(409, "resource_create_default_resource_views", error);
        }
        String id = resource.get("id").toString();
        List<Object> created = new ArrayList<>();
        synchronized (lock) {
            if (!resources.containsKey(id)) {
                return envelopeError(404, "resource_create_default_resource_views", notFound());
            }
            List<String> existing = views.computeIfAbsent(id, k -> new ArrayList<>());
            // datatables_view needs the data in the DataStore (can_view reads datastore_active), and is made once
            if (Boolean.TRUE.equals(data.get("create_datastore_views")) && Boolean.TRUE.equals(resource.get("datastore_active"))
                    && !existing.contains("datatables_view")) {
                existing.add("datatables_view");
                created.add(Map.of("view_type", "datatables_view", "resource_id", id, "title", "Table"));
            }
        }
        return ok("resource_create_default_resource_views", created);
    }

    private String toText(Object value) {
        return new String(toJson(value), StandardCharsets.UTF_8);
    }

    /** Python's {@code str(datetime.utcnow())}: a space, and no fraction when microseconds are 0. */
    private static String pythonUtcNow() {
        LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
        String text = now.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
        int micros = now.getNano() / 1000;
        return micros == 0 ? text : text + String.format(".%06d", micros);
    }

    // ------------------------------------------------------------------ HTTP

    private static boolean isChunkedWithoutLength(Headers headers) {
        String te = headers.getFirst("Transfer-Encoding");
        return te != null && te.toLowerCase(Locale.ROOT).contains("chunked") && headers.getFirst("Content-Length") == null;
    }

    private HttpServer bind(int wantedPort) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            try {
                HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), wantedPort), 50);
                s.setExecutor(executor);
                s.createContext("/", this::handle);
                s.start();
                return s;
            } catch (BindException e) {
                if (wantedPort == 0) {
                    throw e;
                }
                last = e;
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
        throw last;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Response response;
            try {
                response = respond(exchange);
            } catch (RuntimeException e) {
                response = envelopeError(500, "unknown", internalError());
            }
            send(exchange, response);
        }
    }

    private Response respond(HttpExchange exchange) throws IOException {
        byte[] raw = exchange.getRequestBody().readAllBytes();
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        Matcher actionMatch = ACTION_PATH.matcher(path);
        String action = actionMatch.matches() ? decode(actionMatch.group(1)) : null;
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, List.copyOf(v)));
        String rawBody = new String(raw, StandardCharsets.UTF_8);
        requests.add(new RecordedRequest(method, path, query, action, Collections.unmodifiableMap(headers), rawBody,
                asObject(raw), Instant.now()));

        Matcher downloadMatch = DOWNLOAD_PATH.matcher(path);
        if (downloadMatch.matches()) {
            synchronized (lock) {
                downloads.merge(downloadMatch.group(2), 1, Integer::sum);
            }
        }

        Duration delay = slow;
        if (!delay.isZero() && !delay.isNegative()) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (serviceUnavailable) {
            return proxyPage(503);
        }
        if (action != null) {
            if (!acceptChunkedBodies && raw.length > 0 && isChunkedWithoutLength(exchange.getRequestHeaders())) {
                // CKAN behind uWSGI/gunicorn reads wsgi.input by Content-Length: a chunked body arrives empty
                LOG.log(System.Logger.Level.WARNING, "FakeCkan: " + action + " body sent chunked without "
                        + "Content-Length; CKAN behind its WSGI server sees an empty body");
                raw = new byte[0];
            }
            return action(exchange, method, action, raw, query);
        }
        if (downloadMatch.matches()) {
            return download(exchange.getRequestHeaders(), downloadMatch.group(2));
        }
        return html(404, "404 Not Found", "The requested URL was not found on the server.");
    }

    private Response action(HttpExchange exchange, String method, String action, byte[] raw, String query) {
        if (!"GET".equals(method) && !"POST".equals(method) && !"HEAD".equals(method)) {
            return html(405, "405 Method Not Allowed", "The method is not allowed for the requested URL.");
        }
        if (!ACTIONS.contains(action)) {
            return jsonString(400, "Bad request - Action name not known: " + action);
        }
        Map<String, Object> data;
        try {
            data = requestData(exchange, method, raw, query, SIDE_EFFECT_FREE.contains(action));
        } catch (IllegalArgumentException e) {
            return jsonString(400, "Bad request - JSON Error: " + e.getMessage());
        }
        InjectedFailure failure = takeInjectedFailure(action);
        if (failure != null) {
            return injected(action, failure.status());
        }
        boolean sysadmin = isSysadmin(exchange.getRequestHeaders());
        return switch (action) {
            case "status_show" -> ok(action, statusShow());
            case "resource_show" -> resourceShow(data, sysadmin);
            case "resource_patch" -> resourcePatch(data, sysadmin);
            case "resource_create_default_resource_views" -> createDefaultViews(data, sysadmin);
            case "datapusher_hook" -> datapusherHook(data, sysadmin);
            default -> jsonString(400, "Bad request - Action name not known: " + action);
        };
    }

    /** {@code ckan/views/api.py:_get_request_data}, reduced to what a worker may send. */
    private Map<String, Object> requestData(HttpExchange exchange, String method, byte[] raw, String query,
            boolean sideEffectFree) {
        if (!"POST".equals(method)) {
            if (!sideEffectFree) {
                throw new IllegalArgumentException("Invalid request. Please use POST method for your request");
            }
            return new LinkedHashMap<>(parseForm(query));
        }
        String contentType = Objects.requireNonNullElse(exchange.getRequestHeaders().getFirst("Content-Type"), "");
        String text = new String(raw, StandardCharsets.UTF_8);
        if (contentType.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded") && !text.isEmpty()) {
            Map<String, String> form = parseForm(text);
            if (form.size() == 1 && Set.of("", "1").contains(form.values().iterator().next())) {
                return decodeJsonObject(form.keySet().iterator().next());
            }
            return new LinkedHashMap<>(form);
        }
        if (text.isBlank()) {
            return new LinkedHashMap<>();
        }
        return decodeJsonObject(text);
    }

    private Map<String, Object> decodeJsonObject(String text) {
        Object value;
        try {
            value = json.readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Error decoding JSON data. Error: JSONDecodeError('"
                    + e.getOriginalMessage() + "') JSON data extracted from the request: '" + text + "'");
        }
        if (!(value instanceof Map)) {
            throw new IllegalArgumentException(
                    "Request data JSON decoded to " + value + " but it needs to be a dictionary.");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) value;
        return map;
    }

    private boolean isSysadmin(Headers headers) {
        String valid = token;
        if (valid == null || badToken) {
            return false;
        }
        String presented = null;
        if (version.startsWith("2.10") || version.startsWith("2.9")) {
            presented = headers.getFirst("X-CKAN-API-Key");
        }
        if (presented == null) {
            presented = headers.getFirst("Authorization");
        }
        return valid.equals(presented);
    }

    private Map<String, Object> statusShow() {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("site_title", "Fake CKAN");
        result.put("site_description", "");
        result.put("site_url", baseUrl());
        result.put("ckan_version", version);
        result.put("error_emails_to", null);
        result.put("locale_default", "en");
        result.put("extensions", List.of("envvars", "datastore", "activity", "image_view", "text_view"));
        return result;
    }

    private Response resourceShow(Map<String, Object> data, boolean sysadmin) {
        String id = idOf(data);
        if (id == null) {
            return missingId("resource_show");
        }
        synchronized (lock) {
            Map<String, Object> dict = resources.get(id);
            if (dict == null) {
                return envelopeError(404, "resource_show", notFound());
            }
            if (!sysadmin && privateResources.contains(id)) {
                return envelopeError(403, "resource_show", accessDenied("User  not authorized to read resource " + id));
            }
            return ok("resource_show", shown(dict));
        }
    }

    private Response resourcePatch(Map<String, Object> data, boolean sysadmin) {
        if (!sysadmin) {
            return envelopeError(403, "resource_patch",
                    accessDenied("Action resource_patch requires an authenticated user"));
        }
        String id = idOf(data);
        if (id == null) {
            return missingId("resource_patch");
        }
        synchronized (lock) {
            Map<String, Object> dict = resources.get(id);
            if (dict == null) {
                return envelopeError(404, "resource_patch", notFound());
            }
            Map<String, Object> updated = deepCopy(dict);
            updated.putAll(deepCopy(data));
            updated.put("id", id);
            updated.put("metadata_modified", now());
            if (solrDown) {
                // raised in before_commit: the transaction is never committed
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("__type", "Search Index Error");
                error.put("message", SOLR_DOWN_MESSAGE);
                return envelopeError(500, "resource_patch", error);
            }
            resources.put(id, updated);
            return ok("resource_patch", shown(updated));
        }
    }

    private Response download(Headers headers, String id) {
        synchronized (lock) {
            Map<String, Object> dict = resources.get(id);
            byte[] content = files.get(id);
            Path disk = diskFiles.get(id);
            if (dict == null) {
                return html(404, "404 Not Found", "Resource not found");
            }
            Integer status = downloadStatus.get(id);
            if (status != null) {
                return status >= 502 && status <= 504 ? proxyPage(status) : html(status, status + " Error", "Error");
            }
            // CKAN checks the reader's access before it looks for the file
            if (privateResources.contains(id) && !isSysadmin(headers)) {
                return html(403, "403 Forbidden", "Not authorized to download resource");
            }
            if (content == null && disk == null) {
                // an upload whose file is not in storage (e.g. url_type "upload" set through the API
                // with no file): real CKAN 2.10-2.12 fail with FileNotFoundError, an Internal Server Error
                return "upload".equals(dict.get("url_type"))
                        ? html(500, "500 Internal Server Error", "Internal server error")
                        : html(404, "404 Not Found", "No download is available");
            }
            Object mimetype = dict.get("mimetype");
            String type = mimetype == null ? "application/octet-stream" : mimetype.toString();
            return disk == null ? new Response(200, type, content) : new Response(200, type, new byte[0], disk);
        }
    }

    private InjectedFailure takeInjectedFailure(String action) {
        synchronized (lock) {
            InjectedFailure failure = failNext.get(action);
            if (failure == null) {
                return null;
            }
            if (failure.remaining() <= 1) {
                failNext.remove(action);
            } else {
                failNext.put(action, new InjectedFailure(failure.status(), failure.remaining() - 1));
            }
            return failure;
        }
    }

    private Response injected(String action, int status) {
        return switch (status) {
            case 400 -> jsonString(400, "Bad request - JSON Error: Injected fault");
            case 403 -> envelopeError(403, action, accessDenied("User  not authorized to edit resource"));
            case 404 -> envelopeError(404, action, notFound());
            case 409 -> {
                Map<String, Object> error = new LinkedHashMap<>();
                error.put("__type", "Validation Error");
                error.put("message", "Injected validation error");
                yield envelopeError(409, action, error);
            }
            case 502, 503, 504 -> proxyPage(status);
            default -> envelopeError(status, action, internalError());
        };
    }

    // ------------------------------------------------------------------ response building

    private Response ok(String action, Object result) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("help", help(action));
        body.put("success", true);
        body.put("result", result);
        return new Response(200, JSON_TYPE, toJson(body));
    }

    private Response envelopeError(int status, String action, Map<String, Object> error) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("help", help(action));
        body.put("success", false);
        body.put("error", error);
        return new Response(status, JSON_TYPE, toJson(body));
    }

    private Response missingId(String action) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("__type", "Validation Error");
        error.put("id", List.of("Missing value"));
        return envelopeError(409, action, error);
    }

    private static Map<String, Object> notFound() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("__type", "Not Found Error");
        error.put("message", "Not found: Resource was not found.");
        return error;
    }

    private static Map<String, Object> accessDenied(String message) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("__type", "Authorization Error");
        error.put("message", "Access denied: " + message);
        return error;
    }

    private static Map<String, Object> internalError() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("__type", "Internal Server Error");
        error.put("message", "Internal Server Error");
        return error;
    }

    private Response jsonString(int status, String message) {
        return new Response(status, JSON_TYPE, toJson(message));
    }

    private static Response proxyPage(int status) {
        String reason = switch (status) {
            case 502 -> "Bad Gateway";
            case 504 -> "Gateway Time-out";
            default -> "Service Temporarily Unavailable";
        };
        String page = "<html>\r\n<head><title>" + status + " " + reason + "</title></head>\r\n<body>\r\n<center><h1>"
                + status + " " + reason + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
        return new Response(status, "text/html", page.getBytes(StandardCharsets.UTF_8));
    }

    private static Response html(int status, String title, String text) {
        String page = "<!doctype html>\n<html lang=en>\n<title>" + title + "</title>\n<h1>" + title + "</h1>\n<p>"
                + text + "</p>\n";
        return new Response(status, HTML_TYPE, page.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        byte[] body = response.body();
        if (response.file() != null && !"HEAD".equalsIgnoreCase(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(response.status(), Files.size(response.file())); // fixed length
            try (InputStream in = Files.newInputStream(response.file())) {
                in.transferTo(exchange.getResponseBody());
            }
            return;
        }
        if ("HEAD".equalsIgnoreCase(exchange.getRequestMethod()) || body.length == 0) {
            // -1: no body; the JDK then sends "Content-length: 0" (never chunked)
            exchange.sendResponseHeaders(response.status(), -1);
            return;
        }
        exchange.sendResponseHeaders(response.status(), body.length); // fixed length, never chunked
        exchange.getResponseBody().write(body);
    }

    // ------------------------------------------------------------------ helpers

    private String help(String action) {
        return baseUrl() + "/api/3/action/help_show?name=" + action;
    }

    private String downloadUrl(String packageId, String id, String name) {
        return baseUrl() + "/dataset/" + packageId + "/resource/" + id + "/download/" + name;
    }

    private Map<String, Object> requireResource(String id) {
        Map<String, Object> dict = resources.get(id);
        if (dict == null) {
            throw new IllegalArgumentException("no resource " + id + " in FakeCkan");
        }
        return dict;
    }

    /** resource_show's view: the datastore plugin adds {@code datastore_active: false} when missing. */
    private Map<String, Object> shown(Map<String, Object> dict) {
        Map<String, Object> copy = deepCopy(dict);
        copy.putIfAbsent("datastore_active", false);
        return copy;
    }

    private static String idOf(Map<String, Object> data) {
        Object id = data.get("id");
        return id == null || id.toString().isEmpty() ? null : id.toString();
    }

    private Map<String, Object> asObject(byte[] raw) {
        if (raw.length == 0) {
            return null;
        }
        try {
            Object value = json.readValue(raw, Object.class);
            if (value instanceof Map) {
                @SuppressWarnings("unchecked")
                Map<String, Object> map = (Map<String, Object>) value;
                return Collections.unmodifiableMap(map);
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private Map<String, Object> deepCopy(Map<String, Object> map) {
        return json.convertValue(map, new TypeReference<LinkedHashMap<String, Object>>() {
        });
    }

    private byte[] toJson(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> parseForm(String text) {
        Map<String, String> form = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return form;
        }
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            form.put(decode(key), decode(value));
        }
        return form;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static String now() {
        return LocalDateTime.now(ZoneOffset.UTC).format(CKAN_TIME);
    }

    private static String mimetypeFor(String format) {
        return switch (format == null ? "" : format.toUpperCase(Locale.ROOT)) {
            case "CSV" -> "text/csv";
            case "TSV" -> "text/tab-separated-values";
            case "XLSX" -> "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
            case "XLS" -> "application/vnd.ms-excel";
            case "JSON" -> "application/json";
            default -> "application/octet-stream";
        };
    }

    /** Waits up to {@code timeout} for a condition on the recorded requests; for tests that poll. */
    public boolean awaitRequests(String action, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (requests(action).size() >= count) {
                return true;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return requests(action).size() >= count;
    }

    @Override
    public String toString() {
        return "FakeCkan[" + baseUrl() + ", " + requests.size() + " requests]";
    }

    /** Every recorded request as text; useful in assertion messages. */
    public String describeRequests() {
        List<String> lines = new ArrayList<>();
        for (RecordedRequest r : requests) {
            lines.add(r.method() + " " + r.path() + (r.rawBody().isEmpty() ? "" : " " + r.rawBody()));
        }
        return String.join("\n", lines);
    }
}
