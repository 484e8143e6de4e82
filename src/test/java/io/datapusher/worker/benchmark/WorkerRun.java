package io.datapusher.worker.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConnectionFactory;
import io.datapusher.worker.testsupport.DatastoreTestDatabase;
import io.datapusher.worker.testsupport.FakeCkan;
import io.datapusher.worker.testsupport.TestServices;
import io.datapusher.worker.testsupport.WorkerProcess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The packaged worker ({@code target/quarkus-app/quarkus-run.jar}) in a world of its own, driven
 * as an operator drives it: a jobs database, a DataStore database, a RabbitMQ virtual host and a
 * {@link FakeCkan} that serves the file, all made fresh and removed by {@link #close()}. The worker
 * gets production defaults; only where things are and its {@code -Xmx} are set.
 */
final class WorkerRun implements AutoCloseable {

    /**
     * Pause between two reader calls. An exact count of a 1M-row table costs a good part of a core,
     * so a reader that never rests would take the CPU the load needs on a 2-core machine.
     */
    static final Duration READER_PAUSE = Duration.ofMillis(Long.getLong("benchmark.reader-pause-ms", 100));

    static final List<String> ENDED = List.of("complete", "skipped", "metadata_pending", "failed", "superseded");

    /** One job as the jobs table records it. */
    record Job(String status, String error, Long rows, OffsetDateTime createdAt, OffsetDateTime loadedAt,
               OffsetDateTime finishedAt) {
    }

    /**
     * The measured reload. {@code liveByReader} is when the reader loop first got the new row count,
     * {@code liveByJob} when the worker recorded its load as committed, {@code ckanComplete} when the
     * job ended; all from the job's creation. {@code queued} is from the publish to the job's creation.
     */
    record Result(Job job, Duration queued, Duration liveByReader, Duration liveByJob, Duration ckanComplete,
                  long peakRssKb, ReaderLoop.Stats reader, String steps) {
        boolean succeeded() {
            return "complete".equals(job.status());
        }
    }

    final DatastoreTestDatabase datastore;
    private final String name;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final Map<String, String> environment = new HashMap<>();
    private String jobsDatabase;
    private String vhost;
    private FakeCkan ckan;
    private Path tempDir;
    private com.rabbitmq.client.Connection amqp;
    private WorkerProcess worker;

    WorkerRun(String name, String maxHeap, Path logDir) throws Exception {
        this.name = name;
        this.datastore = new DatastoreTestDatabase();
        try {
            TestServices.Postgres pg = TestServices.postgres();
            TestServices.RabbitMq rabbit = TestServices.rabbitMq();
            jobsDatabase = "dpw_bench_jobs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            try (Connection admin = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), pg.password());
                 Statement st = admin.createStatement()) {
                st.execute("CREATE DATABASE " + jobsDatabase);
            }
            vhost = TestServices.createVhost();
            ckan = FakeCkan.start();
            ckan.token("benchmark-token-" + UUID.randomUUID());
            tempDir = Files.createDirectories(logDir.resolve("tmp-" + name));

            environment.put("CKAN_URL", ckan.baseUrl());
            environment.put("CKAN_API_TOKEN", ckan.token());
            environment.put("DATASTORE_WRITE_URL", datastore.writeUrl());
            environment.put("JOBS_DB_URL", pg.url(jobsDatabase));
            environment.put("JOBS_DB_USERNAME", pg.user());
            environment.put("JOBS_DB_PASSWORD", pg.password());
            environment.put("RABBITMQ_HOST", rabbit.host());
            environment.put("RABBITMQ_PORT", String.valueOf(rabbit.port()));
            environment.put("RABBITMQ_USERNAME", rabbit.username());
            environment.put("RABBITMQ_PASSWORD", rabbit.password());
            environment.put("RABBITMQ_VIRTUAL_HOST", vhost);
            environment.put("INGEST_TEMP_DIR", tempDir.toAbsolutePath().toString());
            environment.put(WorkerProcess.LOG_DIR, logDir.toString());
            environment.put(WorkerProcess.MAX_HEAP, maxHeap);
            // e.g. -Dbenchmark.parallelism=1 to compare with a load in one transaction
            String parallelism = System.getProperty("benchmark.parallelism");
            if (parallelism != null && !parallelism.isBlank()) {
                environment.put("INGEST_LOAD_PARALLELISM", parallelism);
            }

            ConnectionFactory factory = new ConnectionFactory();
            factory.setHost(rabbit.host());
            factory.setPort(rabbit.port());
            factory.setUsername(rabbit.username());
            factory.setPassword(rabbit.password());
            factory.setVirtualHost(vhost);
            amqp = factory.newConnection("benchmark");
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /**
     * Loads {@code initialCsv} as the resource's first version, so that a live table exists; then,
     * with a {@link ReaderLoop} reading that table, resubmits the resource with {@code csv} as its
     * file ({@code ignore_hash: true}) and measures that job.
     */
    Result reload(String resourceId, Path initialCsv, Path csv, long rows, Duration timeout) throws Exception {
        ckan.addResource(resourceId, initialCsv, "CSV");
        worker = WorkerProcess.start(name, environment);
        toClose.add(worker);
        Job first = awaitEnded(publish(resourceId, false), Duration.ofMinutes(5));
        if (!"complete".equals(first.status())) {
            throw new IllegalStateException("the initial load ended " + first.status() + ": " + first.error()
                    + "\n" + worker.logTail(40));
        }
        ckan.replaceFile(resourceId, csv);
        try (ReaderLoop reader = new ReaderLoop(datastore::asReader, resourceId, READER_PAUSE)) {
            Thread.sleep(1_000); // the reader's connection and plans are warm before the clock starts
            reader.resetStats();
            reader.watchFor(rows);
            Instant published = Instant.now();
            UUID jobId = publish(resourceId, true);
            Job job = awaitEnded(jobId, timeout);
            ReaderLoop.Stats stats = reader.stats();
            long peakRssKb = peakRssKb(worker.pid());
            awaitQuietly(() -> reader.watchedSeenAt() != null || job.loadedAt() == null, Duration.ofSeconds(5));
            Instant seen = reader.watchedSeenAt();
            Instant created = job.createdAt().toInstant();
            return new Result(job, Duration.between(published, created),
                    seen == null ? null : Duration.between(created, seen),
                    job.loadedAt() == null ? null : Duration.between(created, job.loadedAt().toInstant()),
                    job.finishedAt() == null ? null : Duration.between(created, job.finishedAt().toInstant()),
                    peakRssKb, stats, steps(worker.getJson("/api/jobs/" + jobId)));
        } finally {
            worker.terminate();
            if (!worker.awaitExit(Duration.ofSeconds(60))) {
                worker.kill();
            }
        }
    }

    /** How long a preview of a file took, and a full reload of the same file, each from job creation to its end. */
    record PreviewAndLoad(Job preview, Duration previewTook, Job load, Duration loadTook) {
    }

    /**
     * Loads {@code initialCsv} so that a live table exists, then previews {@code csv}
     * ({@code POST /api/resources/{id}/preview}) and reloads the resource with it, one after the other.
     */
    PreviewAndLoad previewThenReload(String resourceId, Path initialCsv, Path csv, Duration timeout) throws Exception {
        ckan.addResource(resourceId, initialCsv, "CSV");
        worker = WorkerProcess.start(name, environment);
        toClose.add(worker);
        try {
            Job first = awaitEnded(publish(resourceId, false), Duration.ofMinutes(5));
            if (!"complete".equals(first.status())) {
                throw new IllegalStateException("the initial load ended " + first.status() + ": " + first.error());
            }
            ckan.replaceFile(resourceId, csv);
            UUID previewId = UUID.fromString(worker.postJson("/api/resources/" + resourceId + "/preview", "")
                    .path("job_id").asText());
            Job preview = awaitEnded(previewId, timeout);
            Job load = awaitEnded(publish(resourceId, true), timeout);
            return new PreviewAndLoad(preview, took(preview), load, took(load));
        } finally {
            worker.terminate();
            if (!worker.awaitExit(Duration.ofSeconds(60))) {
                worker.kill();
            }
        }
    }

    private static Duration took(Job job) {
        return job.finishedAt() == null ? null : Duration.between(job.createdAt(), job.finishedAt());
    }

    /** Publishes a resubmit message with publisher confirms, naming a fresh job id; returns that id. */
    private UUID publish(String resourceId, boolean ignoreHash) throws Exception {
        UUID jobId = UUID.randomUUID();
        String body = "{\"resource_id\": \"" + resourceId + "\", \"ignore_hash\": " + ignoreHash + ", \"job_id\": \""
                + jobId + "\"}";
        try (Channel channel = amqp.createChannel()) {
            channel.confirmSelect();
            channel.basicPublish("datapusher", "resubmit", true, new AMQP.BasicProperties.Builder()
                    .contentType("application/json").deliveryMode(2).build(), body.getBytes(StandardCharsets.UTF_8));
            channel.waitForConfirmsOrDie(10_000);
        }
        return jobId;
    }

    private Job awaitEnded(UUID jobId, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            Job job = job(jobId);
            if (job != null && ENDED.contains(job.status())) {
                return job;
            }
            if (!worker.isAlive()) {
                throw new IllegalStateException("the worker exited with " + worker.exitValue() + ":\n" + worker.logTail(40));
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("job " + jobId + " did not end within " + timeout + "; it is " + job(jobId));
    }

    private Job job(UUID jobId) throws Exception {
        TestServices.Postgres pg = TestServices.postgres();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(jobsDatabase), pg.user(), pg.password());
             PreparedStatement st = c.prepareStatement("SELECT status, error, row_count, created_at, loaded_at, "
                     + "finished_at FROM ingest_job WHERE job_id = ?")) {
            st.setObject(1, jobId);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new Job(rs.getString(1), rs.getString(2), (Long) rs.getObject(3),
                        rs.getObject(4, OffsetDateTime.class), rs.getObject(5, OffsetDateTime.class),
                        rs.getObject(6, OffsetDateTime.class));
            }
        }
    }

    /** The job's steps as GET /api/jobs/{id} shows them: name, duration and, for load, its detail. */
    private static String steps(JsonNode view) {
        List<String> parts = new ArrayList<>();
        for (JsonNode step : view.path("steps")) {
            String part = step.path("step").asText() + " " + BenchmarkReport.seconds(step.path("duration_ms").asLong());
            if ("load".equals(step.path("step").asText())) {
                part += " (" + step.path("detail").asText() + ")";
            }
            parts.add(part);
        }
        return String.join(", ", parts);
    }

    /** {@code VmHWM} of a process: the peak of its resident set, in kB. */
    static long peakRssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmHWM in /proc/" + pid + "/status");
    }

    private interface Condition {
        boolean met();
    }

    private static void awaitQuietly(Condition condition, Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.met() && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        List<AutoCloseable> resources = new ArrayList<>(toClose);
        resources.add(amqp);
        resources.add(ckan);
        resources.add(datastore);
        resources.add(() -> TestServices.deleteVhost(vhost));
        resources.add(() -> {
            if (jobsDatabase != null) {
                TestServices.Postgres pg = TestServices.postgres();
                try (Connection admin = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), pg.password());
                     Statement st = admin.createStatement()) {
                    st.execute("DROP DATABASE IF EXISTS " + jobsDatabase + " WITH (FORCE)");
                }
            }
        });
        resources.add(() -> {
            if (tempDir != null && Files.exists(tempDir)) {
                try (Stream<Path> files = Files.walk(tempDir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        });
        RuntimeException problem = null;
        for (AutoCloseable resource : resources) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception e) {
                if (problem == null) {
                    problem = new IllegalStateException("cleaning up the worker's world failed", e);
                } else {
                    problem.addSuppressed(e);
                }
            }
        }
        if (problem != null) {
            throw problem;
        }
    }
}
