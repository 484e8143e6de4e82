package io.datapusher.worker.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Gives one Quarkus test run its own jobs database, its own CKAN-like DataStore database (with a
 * write and a read role, set up as {@code ckan datastore set-permissions} does) and its own RabbitMQ
 * virtual host, and removes them all afterwards, so that runs never meet each other's leftovers.
 */
public class IngestTestEnvironment implements QuarkusTestResourceLifecycleManager {

    private static volatile DatastoreTestDatabase datastore;
    private static volatile String vhost;
    private static volatile String jobsDatabase;
    private static volatile Path tempDir;

    /** The DataStore database of the running test run. */
    public static DatastoreTestDatabase datastore() {
        return datastore;
    }

    /** Runs SQL on the jobs database as the service's user, for tests that stage a crash. */
    public static void jobsExecute(String sql) throws Exception {
        TestServices.Postgres pg = TestServices.postgres();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(jobsDatabase), pg.user(), pg.password());
             Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /**
     * The test run's INGEST_TEMP_DIR. Its own, because the temp file sweeper removes every
     * {@code dpw-*} file whose job its jobs database does not know as running: in a shared temp dir,
     * runs in parallel (other checkouts) would delete each other's downloads mid-load.
     */
    public static Path tempDir() {
        return tempDir;
    }

    /** The RabbitMQ virtual host of the running test run. */
    public static String vhost() {
        return vhost;
    }

    @Override
    public Map<String, String> start() {
        try {
            TestServices.Postgres pg = TestServices.postgres();
            jobsDatabase = "dpw_jobs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            try (Connection admin = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), pg.password());
                 Statement st = admin.createStatement()) {
                st.execute("CREATE DATABASE " + jobsDatabase);
            }
            datastore = new DatastoreTestDatabase();
            vhost = TestServices.createVhost();
            tempDir = Files.createTempDirectory("dpw-test-run-");
            TestServices.RabbitMq rabbit = TestServices.rabbitMq();

            Map<String, String> config = new HashMap<>();
            config.put("quarkus.datasource.reactive.url", pg.url(jobsDatabase));
            config.put("quarkus.datasource.jdbc.url", pg.jdbcUrl(jobsDatabase));
            config.put("quarkus.datasource.username", pg.user());
            config.put("quarkus.datasource.password", pg.password());
            config.put("datastore.write-url", datastore.writeUrl());
            config.put("ingest.temp.dir", tempDir.toString());
            config.put("rabbitmq-host", rabbit.host());
            config.put("rabbitmq-port", String.valueOf(rabbit.port()));
            config.put("rabbitmq-username", rabbit.username());
            config.put("rabbitmq-password", rabbit.password());
            config.put("rabbitmq-virtual-host", vhost);
            return config;
        } catch (Exception e) {
            throw new IllegalStateException("cannot prepare the test databases and broker", e);
        }
    }

    @Override
    public void stop() {
        deleteTempDir();
        try {
            if (datastore != null) {
                datastore.close();
            }
            TestServices.deleteVhost(vhost);
            TestServices.Postgres pg = TestServices.postgres();
            try (Connection admin = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), pg.password());
                 Statement st = admin.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + jobsDatabase + " WITH (FORCE)");
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot remove the test databases and broker", e);
        }
    }

    private static void deleteTempDir() {
        if (tempDir == null) {
            return;
        }
        try (var files = Files.walk(tempDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a leftover directory in the system temp dir harms no later run
        }
    }
}
