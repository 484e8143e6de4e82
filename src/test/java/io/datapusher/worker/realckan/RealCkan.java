package io.datapusher.worker.realckan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real CKAN (2.10, 2.11 or 2.12) with its own {@code datastore} and {@code datapusher} plugins,
 * started by {@code ../shared/real-ckan/up.sh} (only Solr is faked, and can be switched down). The
 * suite uses it as an operator and a curator would: the Action API with a sysadmin's or an editor's
 * token, a file upload, the DataStore tab and Data Dictionary pages, the {@code ckan} command line.
 * Its {@code ckan.datapusher.url} is {@code http://127.0.0.1:<version's worker port>/}, where the
 * suite runs the worker.
 */
final class RealCkan {

    static final Path HOME = Path.of("../shared/real-ckan");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final RealCkanVersion version;
    private final Map<String, String> env;

    private RealCkan(RealCkanVersion version, Map<String, String> env) {
        this.version = version;
        this.env = env;
    }

    /** Skips the calling test class, with the reason, where the shared real CKAN is absent. */
    static void assumeAvailable() {
        Assumptions.assumeTrue(Files.isRegularFile(HOME.resolve("up.sh")),
                "skipped: " + HOME.toAbsolutePath().normalize() + " is absent, so there is no real CKAN to test against "
                        + "(the suite runs where the project sits beside ../shared, as on CI)");
    }

    /**
     * A fresh CKAN: its databases purged and made again by up.sh, so a run never meets the
     * datasets, tables and tasks of an earlier one (and {@code ckan datapusher resubmit}, which
     * reloads every table, stays quick).
     */
    static RealCkan startFresh(RealCkanVersion version, Path log) throws Exception {
        List<String> lines;
        try {
            run(version, log, Duration.ofMinutes(2), "bash", HOME.resolve("down.sh").toString(), "--purge");
            // 15 minutes: the first 2.11 or 2.12 start on a new machine builds a Debian 13 root filesystem
            lines = run(version, log, Duration.ofMinutes(15), "bash", HOME.resolve("up.sh").toString());
        } catch (IllegalStateException cannotStart) {
            String reason = "skipped: CKAN " + version.selector() + " could not start: " + cannotStart.getMessage()
                    + "\n" + tail(log, 15);
            try {
                // whatever up.sh started before it failed
                run(version, log, Duration.ofMinutes(2), "bash", HOME.resolve("down.sh").toString());
            } catch (IllegalStateException alreadyDown) {
                // nothing was left running
            }
            Assumptions.abort(reason);
            throw cannotStart;
        }
        RealCkan ckan = new RealCkan(version, settings(lines));
        String reported = ckan.action("status_show", Map.of()).path("ckan_version").asText();
        if (!version.statusShowVersion().equals(reported)) {
            throw new IllegalStateException("CKAN_VERSION=" + version.selector() + " started CKAN " + reported);
        }
        return ckan;
    }

    /**
     * Sets {@code ckan.ini} options with CKAN's {@code config-tool}, then restarts CKAN (keeping its
     * databases and tokens) so that it reads them.
     */
    RealCkan reconfigured(Path log, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("config-tool", env.get("CKAN_INI")));
        args.addAll(List.of(options));
        ckanCommandWithoutIni(log, args);
        stop(log);
        return new RealCkan(version, settings(run(version, log, Duration.ofMinutes(15), "bash", HOME.resolve("up.sh").toString())));
    }

    RealCkanVersion version() {
        return version;
    }

    private static Map<String, String> settings(List<String> lines) {
        Map<String, String> env = new HashMap<>();
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[A-Z_]+")) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        if (!env.containsKey("CKAN_URL") || !env.containsKey("CKAN_DATAPUSHER_API_TOKEN")) {
            throw new IllegalStateException("up.sh did not print CKAN's settings");
        }
        return env;
    }

    void stop(Path log) throws Exception {
        run(version, log, Duration.ofMinutes(2), "bash", HOME.resolve("down.sh").toString());
    }

    private static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ")";
        }
    }

    String url() {
        return env.get("CKAN_URL");
    }

    /** The harness's own sysadmin token. */
    String token() {
        return env.get("CKAN_API_TOKEN");
    }

    /** ckan.datapusher.api_token: what CKAN sends to POST /job, so the worker's CKAN_API_TOKEN. */
    String datapusherToken() {
        return env.get("CKAN_DATAPUSHER_API_TOKEN");
    }

    String datastoreWriteUrl() {
        return env.get("DATASTORE_WRITE_URL");
    }

    /** A JDBC URL of the DataStore database, for the suite's own checks as the superuser. */
    String datastoreJdbcUrl() {
        URI uri = URI.create(datastoreWriteUrl());
        return "jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath();
    }

    /** POSTs an action with the sysadmin token and returns its {@code result}; fails on an error envelope. */
    JsonNode action(String name, Object body) throws IOException, InterruptedException {
        return actionAs(token(), name, body);
    }

    /** POSTs an action with the given user's token and returns its {@code result}; fails on an error envelope. */
    JsonNode actionAs(String userToken, String name, Object body) throws IOException, InterruptedException {
        JsonNode envelope = envelope(userToken, name, body);
        if (!envelope.path("success").asBoolean()) {
            throw new IOException(name + " answered: " + envelope);
        }
        return envelope.path("result");
    }

    /** POSTs an action with the sysadmin token and returns CKAN's whole answer, an error included. */
    JsonNode envelope(String userToken, String name, Object body) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/api/3/action/" + name))
                .timeout(Duration.ofSeconds(60)).header("Authorization", userToken)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        try {
            return JSON.readTree(response.body());
        } catch (IOException notJson) {
            throw new IOException(name + " answered " + response.statusCode() + ": " + response.body(), notJson);
        }
    }

    /**
     * A CKAN user with an API token of their own, made with the {@code ckan} command line as an
     * operator would; returns the token.
     */
    String userWithToken(Path log, String name) throws Exception {
        ckanCommand(log, "user", "add", name, "email=" + name + "@example.org", "password=" + UUID.randomUUID());
        String output = ckanCommand(log, "user", "token", "add", name, "suite");
        return output.lines().map(String::trim).filter(line -> line.matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+"))
                .reduce((first, last) -> last)
                .orElseThrow(() -> new IllegalStateException("ckan user token add printed no token"));
    }

    /** The Data Dictionary form of a DataStore table, saved as a curator saves it in the browser. */
    void saveDataDictionaryForm(String dataset, String resourceId, Map<String, String> form) throws IOException, InterruptedException {
        StringBuilder body = new StringBuilder("save=");
        form.forEach((key, value) -> body.append('&').append(URLEncoder.encode(key, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create(url() + "/dataset/" + dataset + "/dictionary/" + resourceId))
                .timeout(Duration.ofSeconds(60)).header("Authorization", token())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 302) {
            throw new IOException("the Data Dictionary form answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** A dataset in a fresh organization. */
    String dataset() throws IOException, InterruptedException {
        String name = "dpw-" + UUID.randomUUID().toString().substring(0, 8);
        action("organization_create", Map.of("name", name + "-org"));
        return action("package_create", Map.of("name", name, "owner_org", name + "-org")).path("name").asText();
    }

    /** A resource with a file uploaded through CKAN, as the "Add data" form does: CKAN's plugin submits it. */
    JsonNode upload(String dataset, String fileName, String format, byte[] content) throws IOException, InterruptedException {
        return multipart("resource_create", Map.of("package_id", dataset, "name", fileName, "format", format), fileName, content);
    }

    /** A new file for an uploaded resource, as the resource form's upload sends it. */
    JsonNode replaceFile(String resourceId, String fileName, byte[] content) throws IOException, InterruptedException {
        return multipart("resource_patch", Map.of("id", resourceId), fileName, content);
    }

    /**
     * Sets the state of the resource's datapusher task, the one CKAN's plugin reads before it
     * submits: while it is {@code pending}, neither a resource update nor datapusher_submit sends a job.
     */
    void datapusherTaskState(String resourceId, String state) throws IOException, InterruptedException {
        JsonNode task = action("task_status_show", Map.of("entity_id", resourceId, "task_type", "datapusher", "key", "datapusher"));
        Map<String, Object> update = new java.util.HashMap<>();
        for (String field : List.of("id", "entity_id", "entity_type", "task_type", "key", "value", "error")) {
            update.put(field, task.path(field).asText());
        }
        update.put("state", state);
        update.put("last_updated", java.time.LocalDateTime.now(java.time.ZoneOffset.UTC)
                .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS")));
        action("task_status_update", update);
    }

    private JsonNode multipart(String actionName, Map<String, String> fields, String fileName, byte[] content)
            throws IOException, InterruptedException {
        String boundary = "dpw" + UUID.randomUUID().toString().replace("-", "");
        StringBuilder head = new StringBuilder();
        for (Map.Entry<String, String> field : fields.entrySet()) {
            head.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"").append(field.getKey())
                    .append("\"\r\n\r\n").append(field.getValue()).append("\r\n");
        }
        head.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"")
                .append(fileName).append("\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[headBytes.length + content.length + tail.length];
        System.arraycopy(headBytes, 0, body, 0, headBytes.length);
        System.arraycopy(content, 0, body, headBytes.length, content.length);
        System.arraycopy(tail, 0, body, headBytes.length + content.length, tail.length);
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/api/3/action/" + actionName))
                .timeout(Duration.ofSeconds(60)).header("Authorization", token())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode envelope = JSON.readTree(response.body());
        if (response.statusCode() != 200) {
            throw new IOException(actionName + " answered " + response.statusCode() + ": " + response.body());
        }
        return envelope.path("result");
    }

    /** CKAN's datapusher_status for a resource: what its DataStore tab renders. */
    JsonNode datapusherStatus(String resourceId) throws IOException, InterruptedException {
        return action("datapusher_status", Map.of("resource_id", resourceId));
    }

    /** The resource's DataStore tab, as a logged-in editor sees it. */
    String dataStoreTab(String dataset, String resourceId) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create(url() + "/dataset/" + dataset + "/resource_data/" + resourceId))
                .timeout(Duration.ofSeconds(60)).header("Authorization", token()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("the DataStore tab answered " + response.statusCode());
        }
        return response.body();
    }

    /** The tab's "Upload to DataStore" button: a form POST to the same page. */
    void pressUploadToDataStore(String dataset, String resourceId) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create(url() + "/dataset/" + dataset + "/resource_data/" + resourceId))
                .timeout(Duration.ofSeconds(60)).header("Authorization", token())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("save=" + URLEncoder.encode("", StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 302 && response.statusCode() != 200) {
            throw new IOException("Upload to DataStore answered " + response.statusCode() + ": " + response.body());
        }
    }

    /** Runs the {@code ckan} command line (e.g. {@code datapusher resubmit -y}) and returns its output. */
    String ckanCommand(Path log, String... args) throws Exception {
        List<String> withIni = new ArrayList<>(List.of("-c", env.get("CKAN_INI")));
        withIni.addAll(List.of(args));
        return ckanCommandWithoutIni(log, withIni);
    }

    private String ckanCommandWithoutIni(Path log, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(version.home().resolve("bin").resolve("ckan").toString()));
        command.addAll(args);
        return String.join("\n", run(version, log, Duration.ofMinutes(5), command.toArray(String[]::new)));
    }

    /**
     * The fake Solr's switch. Down, Solr answers every request 500, so every dataset write in CKAN
     * fails with its Search Index Error. (Refusing connections instead raced with a connection
     * CKAN's Solr client kept alive: one run saw a resource_patch succeed just after the switch.)
     */
    void solr(boolean up) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                        URI.create(env.get("FAKE_SOLR_CONTROL") + (up ? "/up" : "/down?mode=500")))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("the fake Solr's switch answered " + response.statusCode());
        }
        String status = HTTP.send(HttpRequest.newBuilder(URI.create(env.get("FAKE_SOLR_CONTROL") + "/status"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        if (JSON.readTree(status).path("up").asBoolean() != up) {
            throw new IOException("the fake Solr did not switch " + (up ? "up" : "down") + ": " + status);
        }
    }

    private static List<String> run(RealCkanVersion version, Path log, Duration timeout, String... command) throws Exception {
        Files.createDirectories(log.getParent());
        Files.writeString(log, "\n$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        Path out = Files.createTempFile("real-ckan", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().put("CKAN_VERSION", version.selector());
            Process process = builder
                    .redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout + "; see " + log);
            }
            List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
            // up.sh and `ckan user token add` print API tokens: the log keeps only that there was one
            Files.write(log, lines.stream().map(line -> line.replaceAll(
                            "eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+", "<API token>")).toList(),
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue() + "; see " + log);
            }
            return lines;
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
