package io.datapusher.worker.realckan;

import com.fasterxml.jackson.databind.JsonNode;
import io.datapusher.worker.testsupport.TestServices;
import io.datapusher.worker.testsupport.WorkerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker as the DataPusher service of a real, stock CKAN 2.10 whose only change is the three
 * {@code ckan.ini} lines ({@code ckan.plugins = ... datastore datapusher}, {@code ckan.datapusher.url}
 * pointing at the worker, {@code ckan.datapusher.api_token} equal to the worker's CKAN_API_TOKEN).
 * Nothing here sends a message by hand: CKAN's own plugin, button and commands start every job.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
class DropInRealCkanIT {

    private static final Path LOG = Path.of("target/real-ckan/suite.log");
    private static final Duration LOAD = Duration.ofSeconds(90);
    private static final String CSV = "station,temperature,measured\nA1,12.5,2024-01-01\nB2,9.25,2024-01-02\n"
            + "C3 river mouth,15,2024-01-03\n";
    private static final String NEW_CSV = CSV + "D4,7.75,2024-01-04\n";

    private static RealCkan ckan;
    private static WorkerProcess worker;
    private static String jobsDatabase;
    private static String vhost;

    @BeforeAll
    static void startCkanAndTheWorkerAsItsDatapusher() throws Exception {
        RealCkan.assumeAvailable();
        Files.createDirectories(LOG.getParent());
        ckan = RealCkan.startFresh(LOG);
        TestServices.Postgres pg = TestServices.postgres();
        TestServices.RabbitMq rabbit = TestServices.rabbitMq();
        jobsDatabase = "dpw_jobs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), pg.password());
             Statement st = admin.createStatement()) {
            st.execute("CREATE DATABASE " + jobsDatabase);
        }
        vhost = TestServices.createVhost();
        Map<String, String> env = new HashMap<>();
        env.put("CKAN_URL", ckan.url());
        env.put("CKAN_API_TOKEN", ckan.datapusherToken());
        env.put("DATASTORE_WRITE_URL", ckan.datastoreWriteUrl());
        env.put("JOBS_DB_URL", pg.url(jobsDatabase));
        env.put("JOBS_DB_USERNAME", pg.user());
        env.put("JOBS_DB_PASSWORD", pg.password());
        env.put("RABBITMQ_HOST", rabbit.host());
        env.put("RABBITMQ_PORT", String.valueOf(rabbit.port()));
        env.put("RABBITMQ_USERNAME", rabbit.username());
        env.put("RABBITMQ_PASSWORD", rabbit.password());
        env.put("RABBITMQ_VIRTUAL_HOST", vhost);
        env.put("QUARKUS_HTTP_PORT", String.valueOf(RealCkan.WORKER_PORT));
        env.put("INGEST_METADATA_RETRY_INITIAL_DELAY", "1s");
        env.put("INGEST_METADATA_RETRY_MAX_DELAY", "2s");
        env.put("INGEST_TEMP_DIR", Files.createDirectories(Path.of("target/real-ckan/tmp")).toAbsolutePath().toString());
        env.put(WorkerProcess.LOG_DIR, "target/real-ckan");
        worker = WorkerProcess.start("worker", env);
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (worker != null) {
            worker.close();
        }
        if (jobsDatabase != null) {
            TestServices.Postgres pg = TestServices.postgres();
            try (Connection admin = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), pg.password());
                 Statement st = admin.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + jobsDatabase + " WITH (FORCE)");
            }
            TestServices.deleteVhost(vhost);
        }
        if (ckan != null) {
            ckan.stop(LOG);
        }
    }

    @Test
    void a_anUploadInCkanLoadsAndItsDataStoreTabShowsCompleteAndTheLog() throws Exception {
        String dataset = ckan.dataset();
        String rid = ckan.upload(dataset, "temperatures.csv", "CSV", CSV.getBytes(StandardCharsets.UTF_8)).path("id").asText();

        awaitTask(rid, "complete");

        JsonNode search = ckan.action("datastore_search", Map.of("resource_id", rid));
        assertEquals(3, search.path("total").asInt());
        JsonNode river = ckan.action("datastore_search", Map.of("resource_id", rid, "q", "river"));
        assertEquals("C3 river mouth", river.path("records").path(0).path("station").asText(), "CKAN's full-text search works");
        assertTrue(ckan.action("resource_show", Map.of("id", rid)).path("datastore_active").asBoolean());
        JsonNode status = ckan.datapusherStatus(rid);
        assertEquals("complete", status.path("status").asText());
        assertTrue(status.path("task_info").path("logs").size() >= 5, status.toPrettyString());

        String tab = ckan.dataStoreTab(dataset, rid);
        assertTrue(tab.contains("Complete"), "the tab's status");
        assertTrue(tab.contains("load: 3 rows loaded"), "the tab's upload log");
        assertTrue(tab.contains("End of log"));
        assertFalse(tab.contains("Upload error"));
    }

    @Test
    void b_resubmitReloadsWithTheDataDictionaryKeptAndLeavesApiTablesAlone() throws Exception {
        String dataset = ckan.dataset();
        String rid = ckan.upload(dataset, "temperatures.csv", "CSV", CSV.getBytes(StandardCharsets.UTF_8)).path("id").asText();
        awaitTask(rid, "complete");
        // the Data Dictionary form saves with datastore_create, fields and info (ckanext/datastore/blueprint.py)
        ckan.action("datastore_create", Map.of("resource_id", rid, "force", true, "fields", List.of(
                Map.of("id", "station", "type", "text", "info", Map.of("label", "Station", "notes", "Code of the station")),
                Map.of("id", "temperature", "type", "numeric", "info", Map.of("label", "Temperature", "notes", "°C")),
                Map.of("id", "measured", "type", "date"))));
        String api = ckan.action("datastore_create", Map.of(
                "resource", Map.of("package_id", dataset, "name", "edited through the API"),
                "fields", List.of(Map.of("id", "flag", "type", "bool"), Map.of("id", "n", "type", "int8")),
                "records", List.of(Map.of("flag", true, "n", 5), Map.of("flag", false, "n", 7)))).path("resource_id").asText();
        String apiTableBefore = table(api);
        String oidBefore = oid(rid);

        String output = ckan.ckanCommand(LOG, "datapusher", "resubmit", "-y");

        assertTrue(output.contains("Submitting " + rid + "...OK"), output);
        assertTrue(output.contains("Submitting " + api + "...OK"), output);
        await().atMost(LOAD).until(() -> !oid(rid).equals(oidBefore) && "complete".equals(state(rid)));
        JsonNode fields = ckan.action("datastore_info", Map.of("id", rid)).path("fields");
        assertEquals("Station", fields.path(0).path("info").path("label").asText(), fields.toPrettyString());
        assertEquals("°C", fields.path(1).path("info").path("notes").asText());
        assertEquals("numeric", fields.path(1).path("type").asText());
        awaitTask(api, "complete");
        assertEquals(apiTableBefore, table(api), "a table edited through the DataStore API is left exactly as it was");
        assertTrue(ckan.datapusherStatus(api).path("task_info").path("logs").toString().contains("edited through the DataStore API"));
    }

    @Test
    void c_theUploadButtonAndDatasetSubmitReloadAndANonTabularFileEndsWithAClearError() throws Exception {
        String dataset = ckan.dataset();
        String rid = ckan.upload(dataset, "temperatures.csv", "CSV", CSV.getBytes(StandardCharsets.UTF_8)).path("id").asText();
        awaitTask(rid, "complete");
        String pdf = ckan.action("resource_create", Map.of("package_id", dataset, "name", "report.pdf", "format", "PDF",
                "url", ckan.url() + "/report.pdf")).path("id").asText();
        int jobsBefore = jobs(rid);

        ckan.pressUploadToDataStore(dataset, rid);
        await().atMost(LOAD).until(() -> jobs(rid) == jobsBefore + 1 && "complete".equals(state(rid)));

        ckan.ckanCommand(LOG, "datapusher", "submit", dataset, "-y");
        await().atMost(LOAD).until(() -> jobs(rid) == jobsBefore + 2 && "complete".equals(state(rid)));
        awaitTask(pdf, "error");
        JsonNode error = ckan.datapusherStatus(pdf).path("task_info").path("error");
        assertTrue(error.path("message").asText().startsWith("the resource's format is PDF"), error.toPrettyString());
        assertFalse(ckan.dataStoreTab(dataset, pdf).contains("Traceback"));
    }

    @Test
    void d_withSolrDownTheDataGoesLiveAndTheTaskEndsCompleteOnceSolrIsBack() throws Exception {
        String dataset = ckan.dataset();
        String rid = ckan.upload(dataset, "temperatures.csv", "CSV", CSV.getBytes(StandardCharsets.UTF_8)).path("id").asText();
        awaitTask(rid, "complete");
        String oidBefore = oid(rid);
        // A curator uploads a new file, then Solr goes down before the worker tells CKAN. (CKAN's
        // hook would submit the upload at once, racing the switch; a pending task makes it skip.)
        ckan.datapusherTaskState(rid, "pending");
        ckan.replaceFile(rid, "temperatures.csv", NEW_CSV.getBytes(StandardCharsets.UTF_8));
        ckan.datapusherTaskState(rid, "complete");
        ckan.solr(false);
        try {
            ckan.action("datapusher_submit", Map.of("resource_id", rid));
            await().atMost(LOAD).until(() -> ckan.datapusherStatus(rid).path("task_info").path("logs").toString()
                    .contains("The data is live in the DataStore"));
            assertNotEquals(oidBefore, oid(rid), "the new table is live while Solr is down");
            assertEquals("4", count(rid));
            assertEquals("pending", state(rid), "CKAN's task waits for the final word");
        } finally {
            ckan.solr(true);
        }
        awaitTask(rid, "complete");
        JsonNode resource = ckan.action("resource_show", Map.of("id", rid));
        assertTrue(resource.path("datastore_active").asBoolean());
        assertEquals(md5(NEW_CSV), resource.path("hash").asText(), "CKAN records the new file's hash once Solr is back");
    }

    @Test
    void e_jobsAndTheirLogsSurviveARestartOfTheWorker() throws Exception {
        String dataset = ckan.dataset();
        String rid = ckan.upload(dataset, "temperatures.csv", "CSV", CSV.getBytes(StandardCharsets.UTF_8)).path("id").asText();
        awaitTask(rid, "complete");
        String before = ckan.datapusherStatus(rid).path("task_info").path("logs").toString();

        worker.kill();
        worker = worker.restart();

        assertEquals(before, ckan.datapusherStatus(rid).path("task_info").path("logs").toString());
    }

    private static void awaitTask(String rid, String state) {
        await().atMost(LOAD).pollInterval(Duration.ofMillis(500)).until(() -> state.equals(state(rid)));
    }

    private static String state(String rid) throws Exception {
        try {
            return ckan.datapusherStatus(rid).path("status").asText();
        } catch (java.io.IOException noTaskYet) {
            return "";
        }
    }

    private static int jobs(String rid) throws Exception {
        return worker.getJson("/api/jobs?resource_id=" + rid).size();
    }

    private static String oid(String rid) throws Exception {
        return sql("SELECT coalesce(to_regclass('public.\"" + rid + "\"')::oid::text, '')").get(0);
    }

    private static String count(String rid) throws Exception {
        return sql("SELECT count(*) FROM \"" + rid + "\"").get(0);
    }

    /** Rows, column types and comments, indexes and the table's oid: everything a reload would change. */
    private static String table(String rid) throws Exception {
        return String.join("\n", sql("SELECT to_regclass('public.\"" + rid + "\"')::oid::text"
                + " UNION ALL SELECT md5(string_agg(t::text, ',' ORDER BY _id)) FROM \"" + rid + "\" t"
                + " UNION ALL SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod) || ' '"
                + " || coalesce(col_description(attrelid, attnum), ''), ', ' ORDER BY attnum) FROM pg_attribute"
                + " WHERE attrelid = to_regclass('public.\"" + rid + "\"') AND attnum > 0 AND NOT attisdropped"
                + " UNION ALL SELECT string_agg(indexdef, ', ' ORDER BY indexname) FROM pg_indexes WHERE tablename = '" + rid + "'"));
    }

    private static String md5(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<String> sql(String query) throws Exception {
        TestServices.Postgres pg = TestServices.postgres();
        try (Connection c = DriverManager.getConnection(ckan.datastoreJdbcUrl(), pg.user(), pg.password());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(query)) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
            return rows;
        }
    }
}
