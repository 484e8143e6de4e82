package io.datapusher.worker.faults;

import io.datapusher.worker.testsupport.WorkerProcess;
import com.fasterxml.jackson.databind.JsonNode;
import io.datapusher.worker.testsupport.DatastoreTestDatabase;
import io.datapusher.worker.testsupport.FakeCkan;
import io.datapusher.worker.testsupport.TestServices;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Everything one fault test class needs around the packaged worker, made fresh and removed at
 * the end: a jobs database, a CKAN-like DataStore database, a RabbitMQ virtual host, a
 * {@link FakeCkan}, a temp dir for the worker's downloads and, when asked, a {@link TcpProxy} in
 * front of each of the jobs database, the DataStore database and the broker.
 */
public final class FaultWorld implements AutoCloseable {

    public static final List<String> ENDED = List.of("complete", "skipped", "metadata_pending", "failed", "superseded");

    public final String name;
    public final FakeCkan ckan;
    public final DatastoreTestDatabase datastore;
    public final String vhost;
    public final String jobsDatabase;
    public final Path tempDir;
    public final TcpProxy jobsDbProxy;
    public final TcpProxy datastoreProxy;
    public final TcpProxy brokerProxy;
    private final Map<String, String> workerEnvironment = new HashMap<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private Broker broker;

    private FaultWorld(String name, boolean proxied) throws Exception {
        this.name = name;
        TestServices.Postgres pg = TestServices.postgres();
        TestServices.RabbitMq rabbit = TestServices.rabbitMq();
        this.jobsDatabase = "dpw_jobs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), pg.password());
             Statement st = admin.createStatement()) {
            st.execute("CREATE DATABASE " + jobsDatabase);
        }
        this.datastore = new DatastoreTestDatabase();
        this.vhost = TestServices.createVhost();
        this.ckan = FakeCkan.start();
        String token = "fault-suite-token-" + UUID.randomUUID();
        ckan.token(token);
        this.tempDir = Files.createDirectories(Path.of("target/faults/tmp-" + name + "-" + UUID.randomUUID().toString()
                .substring(0, 8)));
        if (proxied) {
            jobsDbProxy = new TcpProxy(pg.host(), pg.port());
            datastoreProxy = new TcpProxy(pg.host(), pg.port());
            brokerProxy = new TcpProxy(rabbit.host(), rabbit.port());
        } else {
            jobsDbProxy = null;
            datastoreProxy = null;
            brokerProxy = null;
        }
        String pgAddress = pg.host() + ":" + pg.port();
        String jobsAddress = proxied ? "127.0.0.1:" + jobsDbProxy.port() : pgAddress;
        String datastoreAddress = proxied ? "127.0.0.1:" + datastoreProxy.port() : pgAddress;

        Map<String, String> env = workerEnvironment;
        env.put("CKAN_URL", ckan.baseUrl());
        env.put("CKAN_API_TOKEN", token);
        env.put("DATASTORE_WRITE_URL", datastore.writeUrl().replace("@" + pgAddress + "/", "@" + datastoreAddress + "/"));
        env.put("JOBS_DB_URL", "postgresql://" + jobsAddress + "/" + jobsDatabase);
        env.put("JOBS_DB_USERNAME", pg.user());
        env.put("JOBS_DB_PASSWORD", pg.password());
        env.put("RABBITMQ_HOST", proxied ? brokerProxy.host() : rabbit.host());
        env.put("RABBITMQ_PORT", String.valueOf(proxied ? brokerProxy.port() : rabbit.port()));
        env.put("RABBITMQ_USERNAME", rabbit.username());
        env.put("RABBITMQ_PASSWORD", rabbit.password());
        env.put("RABBITMQ_VIRTUAL_HOST", vhost);
        env.put("INGEST_TEMP_DIR", tempDir.toAbsolutePath().toString());
        // The test settings of application.properties' %test profile, given as an operator would.
        env.put("CKAN_VERSION_CACHE_TTL", "0s");
        env.put("INGEST_REDELIVERY_INITIAL_DELAY", "500ms");
        env.put("INGEST_REDELIVERY_MAX_DELAY", "2s");
        env.put("INGEST_METADATA_RETRY_INITIAL_DELAY", "1s");
        env.put("INGEST_METADATA_RETRY_MAX_DELAY", "2s");
        env.put("INGEST_HEARTBEAT_INTERVAL", "2s");
        env.put("INGEST_SHUTDOWN_GRACE", "20s");
        env.put("QUARKUS_FAULT_TOLERANCE_GLOBAL_RETRY_DELAY", "100");
        env.put("QUARKUS_FAULT_TOLERANCE_GLOBAL_RETRY_DELAY_UNIT", "millis");
        env.put("QUARKUS_FAULT_TOLERANCE_GLOBAL_RETRY_JITTER", "0");
        // The breaker stays on, as in production, but opens for 3 s instead of 30 s.
        env.put("QUARKUS_FAULT_TOLERANCE_GLOBAL_CIRCUIT_BREAKER_DELAY", "3000");
        env.put("QUARKUS_FAULT_TOLERANCE_GLOBAL_CIRCUIT_BREAKER_DELAY_UNIT", "millis");
        env.put("QUARKUS_LOG_CATEGORY__IO_DATAPUSHER__LEVEL", "DEBUG");
    }

    /** A world whose worker talks to PostgreSQL and RabbitMQ directly. */
    public static FaultWorld direct(String name) throws Exception {
        return create(name, false);
    }

    /** A world whose worker reaches each dependency through its own {@link TcpProxy}. */
    public static FaultWorld proxied(String name) throws Exception {
        return create(name, true);
    }

    private static FaultWorld create(String name, boolean proxied) throws Exception {
        FaultWorld world = null;
        try {
            world = new FaultWorld(name, proxied);
            return world;
        } catch (Exception e) {
            if (world != null) {
                world.close();
            }
            throw e;
        }
    }

    /** Overrides one variable of the worker's environment for the workers started from now on. */
    public FaultWorld workerEnv(String key, String value) {
        workerEnvironment.put(key, value);
        return this;
    }

    public Map<String, String> workerEnvironment() {
        return Map.copyOf(workerEnvironment);
    }

    /** Starts the packaged worker; it is killed when the world closes if the test has not done so. */
    public WorkerProcess startWorker() throws Exception {
        WorkerProcess worker = WorkerProcess.start(name, workerEnvironment);
        toClose.add(worker);
        return worker;
    }

    public WorkerProcess restart(WorkerProcess previous) throws Exception {
        WorkerProcess worker = previous.restart();
        toClose.add(worker);
        return worker;
    }

    /** The broker of this world, straight (never through the proxy). */
    public synchronized Broker broker() throws Exception {
        if (broker == null) {
            broker = new Broker(vhost);
        }
        return broker;
    }

    // ------------------------------------------------------------------ CKAN resources

    public String newResource(byte[] csv) {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, csv, "CSV");
        return rid;
    }

    // ------------------------------------------------------------------ jobs, read from the jobs database

    /** The newest job row of a resource (straight from the jobs database, so it works with the worker down). */
    public Optional<Map<String, String>> newestJob(String rid) throws Exception {
        List<Map<String, String>> rows = jobsQuery("SELECT job_id, status, step, error, attempts, worker_id, "
                + "loaded_at, row_count, heartbeat_at FROM ingest_job WHERE resource_id = '" + rid + "' ORDER BY created_at DESC");
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    public String newestStatus(String rid) throws Exception {
        return newestJob(rid).map(j -> j.get("status")).orElse("(none)");
    }

    public int jobCount(String rid) throws Exception {
        return jobsQuery("SELECT job_id FROM ingest_job WHERE resource_id = '" + rid + "'").size();
    }

    public List<Map<String, String>> jobsQuery(String sql) throws Exception {
        TestServices.Postgres pg = TestServices.postgres();
        List<Map<String, String>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(jobsDatabase), pg.user(), pg.password());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                Map<String, String> row = new HashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getString(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** The job of a resource through the worker's REST API, steps included. */
    public static JsonNode job(WorkerProcess worker, String jobId) throws Exception {
        return worker.getJson("/api/jobs/" + jobId);
    }

    /** Waits until the newest job of the resource has ended; returns its row. */
    /** Every queue's ready and unacked counts, for a failure message. */
    public String queueDepths() {
        return unchecked(() -> broker().depths().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()[0] + " ready/" + e.getValue()[1] + " unacked").sorted().toList()
                .toString());
    }

    public Map<String, String> awaitEnded(String rid, Duration timeout) throws Exception {
        try {
            await("the newest job of " + rid + " ends", timeout, () -> ENDED.contains(safeStatus(rid)));
        } catch (AssertionError notEnded) {
            // a job that never ends is a lost message or a stuck worker: say which
            throw new AssertionError(notEnded.getMessage() + "; job " + newestJob(rid).orElse(null) + "; queues "
                    + queueDepths());
        }
        return newestJob(rid).orElseThrow();
    }

    /** Waits until the resource has more than {@code knownJobs} jobs and the newest has ended. */
    public Map<String, String> awaitNewJobEnded(String rid, int knownJobs, Duration timeout) throws Exception {
        await("a new job of " + rid + " ends", timeout,
                () -> unchecked(() -> jobCount(rid) > knownJobs) && ENDED.contains(safeStatus(rid)));
        return newestJob(rid).orElseThrow();
    }

    /** Publishes a resubmit and waits for the job it makes to end. */
    public Map<String, String> resubmitAndAwait(String rid, Duration timeout) throws Exception {
        int known = jobCount(rid);
        broker().resubmit(rid);
        return awaitNewJobEnded(rid, known, timeout);
    }

    public Map<String, String> awaitStatus(String rid, String status, Duration timeout) throws Exception {
        await("the newest job of " + rid + " is " + status, timeout, () -> status.equals(safeStatus(rid)));
        return newestJob(rid).orElseThrow();
    }

    private String safeStatus(String rid) {
        try {
            return newestStatus(rid);
        } catch (Exception e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    // ------------------------------------------------------------------ leftovers

    /** Tables a load left behind: in the staging schema, or in public under a temporary name. */
    public List<String> stagingTables() throws Exception {
        return datastore.query("SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE (n.nspname = 'public' AND c.relname LIKE 'dpw\\_%') OR n.nspname = 'datapusher_staging' ORDER BY 1");
    }

    /** Download temp files left in the worker's temp dir. */
    public List<String> tempFiles() throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(tempDir, "dpw-*")) {
            for (Path f : files) {
                names.add(f.getFileName().toString());
            }
        }
        return names;
    }

    /** Backends of the DataStore write role (the loads), as pid|state|wait_event_type|query. */
    public List<String> writerBackends() throws Exception {
        return datastore.query("SELECT pid || '|' || coalesce(state, '') || '|' || coalesce(wait_event_type, '') || '|' "
                + "|| left(query, 300) FROM pg_stat_activity WHERE datname = '" + datastore.database() + "' AND usename = '"
                + datastore.writeUser() + "'");
    }

    public boolean backendAlive(String pid) throws Exception {
        return !datastore.query("SELECT 1 FROM pg_stat_activity WHERE pid = " + pid).isEmpty();
    }

    public List<String> advisoryLocks() throws Exception {
        return datastore.query("SELECT l.pid || ' ' || l.mode || ' ' || l.granted FROM pg_locks l WHERE l.locktype = 'advisory'"
                + " AND l.database = (SELECT oid FROM pg_database WHERE datname = '" + datastore.database() + "')");
    }

    /** Waits up to {@code timeout}, polling every 50 ms. */
    public static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        if (!condition.getAsBoolean()) {
            throw new AssertionError("timed out after " + timeout + " waiting until " + what);
        }
    }

    interface Unchecked<T> {
        T get() throws Exception;
    }

    static <T> T unchecked(Unchecked<T> s) {
        try {
            return s.get();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        List<Throwable> problems = new ArrayList<>();
        for (int i = toClose.size() - 1; i >= 0; i--) {
            try {
                toClose.get(i).close();
            } catch (Throwable t) {
                problems.add(t);
            }
        }
        for (AutoCloseable c : new AutoCloseable[]{broker, jobsDbProxy, datastoreProxy, brokerProxy}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Throwable t) {
                problems.add(t);
            }
        }
        try {
            ckan.close();
        } catch (Throwable t) {
            problems.add(t);
        }
        try {
            datastore.close();
        } catch (Throwable t) {
            problems.add(t);
        }
        try {
            TestServices.deleteVhost(vhost);
        } catch (Throwable t) {
            problems.add(t);
        }
        try {
            TestServices.Postgres pg = TestServices.postgres();
            try (Connection admin = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), pg.password());
                 Statement st = admin.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + jobsDatabase + " WITH (FORCE)");
            }
        } catch (Throwable t) {
            problems.add(t);
        }
        try (Stream<Path> files = Files.walk(tempDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            problems.add(e);
        }
        if (!problems.isEmpty()) {
            IllegalStateException e = new IllegalStateException("cleaning up world " + name + " failed");
            problems.forEach(e::addSuppressed);
            throw e;
        }
    }
}
