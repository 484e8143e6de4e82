package io.datapusher.worker.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}) in a child JVM, so that a test
 * can kill it as an orchestrator would: {@link #kill()} is SIGKILL, {@link #terminate()} is
 * SIGTERM. Its output goes to {@code target/faults/<name>-<n>.log}. A restart is a new process with
 * the same environment (and a new HTTP port, unless the environment fixes {@code QUARKUS_HTTP_PORT}).
 */
public final class WorkerProcess implements AutoCloseable {

    public static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");
    /** Not passed to the worker: where its log goes (default {@code target/faults}). */
    public static final String LOG_DIR = "WORKER_PROCESS_LOG_DIR";
    /** Not passed to the worker: the child JVM's maximum heap, as {@code -Xmx} takes it (default {@code 512m}). */
    public static final String MAX_HEAP = "WORKER_PROCESS_XMX";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> GENERATIONS =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** The worker's INGEST_API_TOKEN unless the environment sets one: the jobs API is closed without it. */
    private static final String API_TOKEN = "worker-process-api-token";

    private final String name;
    private final Map<String, String> environment;
    private final Process process;
    private final Path log;
    private final int port;
    private final String apiToken;

    private WorkerProcess(String name, Map<String, String> environment, int generation) throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: the integration suites run after the package phase");
        }
        this.name = name;
        this.environment = Map.copyOf(environment);
        // A fixed port when the environment names one (CKAN's ckan.datapusher.url must find the worker).
        this.port = environment.containsKey("QUARKUS_HTTP_PORT") ? Integer.parseInt(environment.get("QUARKUS_HTTP_PORT"))
                : freePort();
        Path dir = Files.createDirectories(Path.of(environment.getOrDefault(LOG_DIR, "target/faults")));
        this.log = dir.resolve(name + "-" + generation + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String maxHeap = "-Xmx" + environment.getOrDefault(MAX_HEAP, "512m");
        ProcessBuilder builder = new ProcessBuilder(java, maxHeap, "-XX:+UseSerialGC", "-jar", JAR.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        // Only what we give it, plus what a JVM needs to start: no ambient JOBS_DB_URL or RABBITMQ_* leaks in.
        env.keySet().removeIf(k -> !List.of("PATH", "HOME", "LANG", "TZ", "JAVA_HOME").contains(k));
        env.putAll(environment);
        env.remove(LOG_DIR);
        env.remove(MAX_HEAP);
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.putIfAbsent("INGEST_API_TOKEN", API_TOKEN);
        this.apiToken = env.get("INGEST_API_TOKEN");
        Files.writeString(log, "# " + Instant.now() + " starting " + name + " on port " + port + " (" + maxHeap + ") with "
                + new TreeMap<>(environment).keySet() + "\n", StandardCharsets.UTF_8);
        this.process = builder.start();
    }

    /** Starts the service and waits until {@code /q/health/ready} says UP. */
    public static WorkerProcess start(String name, Map<String, String> environment) throws Exception {
        return start(name, environment, GENERATIONS.computeIfAbsent(name, k -> new java.util.concurrent.atomic.AtomicInteger())
                .incrementAndGet());
    }

    private static WorkerProcess start(String name, Map<String, String> environment, int generation) throws Exception {
        WorkerProcess worker = new WorkerProcess(name, environment, generation);
        try {
            worker.awaitReady(Duration.ofSeconds(90));
            return worker;
        } catch (Throwable t) {
            worker.kill();
            throw t;
        }
    }

    /** A new process with the same environment (the previous one must be gone). */
    public WorkerProcess restart() throws Exception {
        if (process.isAlive()) {
            throw new IllegalStateException("the previous worker is still running");
        }
        return start(name, environment);
    }

    /** SIGKILL: the process gets no chance to clean up. Waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: a graceful shutdown, as Kubernetes asks for one. Does not wait. */
    public void terminate() {
        process.destroy();
    }

    public boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public int exitValue() {
        return process.exitValue();
    }

    public Path log() {
        return log;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /** The log so far. */
    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** The last lines of the log, for assertion messages. */
    public String logTail(int lines) {
        List<String> all = logText().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Lines of the log that contain {@code text}. */
    public long countLogLines(String text) {
        return logText().lines().filter(l -> l.contains(text)).count();
    }

    public record Health(int status, JsonNode body) {
        public boolean up() {
            return status == 200 && "UP".equals(body.path("status").asText());
        }

        /** The status of one named check, or "" when it is absent. */
        public String check(String name) {
            for (JsonNode check : body.path("checks")) {
                if (check.path("name").asText().contains(name)) {
                    return check.path("status").asText();
                }
            }
            return "";
        }
    }

    public Health readiness() {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return new Health(response.statusCode(), JSON.readTree(response.body()));
        } catch (Exception e) {
            return new Health(-1, JSON.createObjectNode().put("error", e.toString()));
        }
    }

    /** POST a JSON body to the service's API, with the API token; the answer's status and JSON body, whatever the status. */
    public Health postAnswer(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Authorization", "Bearer " + apiToken).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Health(response.statusCode(), JSON.readTree(response.body()));
    }

    /** GET a JSON resource of the service's API, with the API token. */
    public JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Authorization", "Bearer " + apiToken)
                .timeout(Duration.ofSeconds(15)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** POST a JSON body to the service's API, with the API token; the answer's JSON. */
    public JsonNode postJson(String path, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Authorization", "Bearer " + apiToken).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(15)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("POST " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private void awaitReady(Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        Health last = null;
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the worker exited with " + process.exitValue() + " while starting:\n"
                        + logTail(60));
            }
            last = readiness();
            if (last.up()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the worker was not ready within " + timeout + " (last: " + last + "):\n"
                + logTail(60));
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
