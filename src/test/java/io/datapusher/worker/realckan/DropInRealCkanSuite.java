package io.datapusher.worker.realckan;

import com.fasterxml.jackson.databind.JsonNode;
import io.datapusher.worker.testsupport.TestServices;
import io.datapusher.worker.testsupport.WorkerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.opentest4j.TestAbortedException;

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
 * The worker as the DataPusher service of a real, stock CKAN whose only change is the three
 * {@code ckan.ini} lines ({@code ckan.plugins = ... datastore datapusher}, {@code ckan.datapusher.url}
 * pointing at the worker, {@code ckan.datapusher.api_token} equal to the worker's CKAN_API_TOKEN).
 * Nothing here sends a message by hand: CKAN's own plugin, button and commands start every job.
 *
 * <p>What every version must show is here; one subclass per version ({@code DropInRealCkan210IT},
 * ...) names the version in the report and adds what only that version can show. Each class starts
 * its CKAN fresh and stops it afterwards, so the versions run one after the other. The worker's and
 * the suite's logs go to {@code target/real-ckan/<version>/}.
 */
@TestMethodOrder(MethodOrderer.MethodName.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DropInRealCkanSuite {

    static final Duration LOAD = Duration.ofSeconds(90);
    static final String CSV = "station,temperature,measured\nA1,12.5,2024-01-01\nB2,9.25,2024-01-02\n"
            + "C3 river mouth,15,2024-01-03\n";
    static final String NEW_CSV = CSV + "D4,7.75,2024-01-04\n";

    final RealCkanVersion version;
    final Path dir;
    final Path log;
    RealCkan ckan;
    WorkerProcess worker;
    private String jobsDatabase;
    private String vhost;
    private long started;
    private String skipReason;
    /** The worker's environment, to start it again with another setting (the q_ test). */
    private final Map<String, String> workerEnv = new HashMap<>();

    DropInRealCkanSuite(RealCkanVersion version) {
        this.dir = Path.of("target/real-ckan", version.selector());
        this.log = dir.resolve("suite.log");
        this.version = version;
    }

    /** What a version needs in ckan.ini beyond up.sh's settings (none by default). */
    RealCkan configure(RealCkan started) throws Exception {
        return started;
    }

    @BeforeAll
    void startCkanAndTheWorkerAsItsDatapusher() throws Exception {
        try {
            RealCkan.assumeAvailable();
            Files.createDirectories(dir);
            started = System.nanoTime();
            ckan = RealCkan.startFresh(version, log);
        } catch (TestAbortedException cannotStart) {
            // failsafe's report drops a skip of the whole class: each test skips instead, saying why
            skipReason = cannotStart.getMessage();
            return;
        }
        ckan = configure(ckan);
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
        env.put("QUARKUS_HTTP_PORT", String.valueOf(version.workerPort()));
        env.put("INGEST_METADATA_RETRY_INITIAL_DELAY", "1s");
        env.put("INGEST_METADATA_RETRY_MAX_DELAY", "2s");
        env.put("INGEST_TEMP_DIR", Files.createDirectories(dir.resolve("tmp")).toAbsolutePath().toString());
        env.put(WorkerProcess.LOG_DIR, dir.toString());
        workerEnv.putAll(env);
        worker = WorkerProcess.start("worker-" + version.selector(), env);
    }

    @BeforeEach
    void skipWhereThisCkanCouldNotStart() {
        Assumptions.assumeTrue(skipReason == null, () -> skipReason);
    }

    @AfterAll
    void stopEverything() throws Exception {
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
            ckan.stop(log);
            Files.writeString(log, "\n# CKAN " + version.selector() + ": suite took "
                    + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s, CKAN's start included\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
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

        String output = ckan.ckanCommand(log, "datapusher", "resubmit", "-y");

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

        ckan.ckanCommand(log, "datapusher", "submit", dataset, "-y");
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

    @Test
    void f_aTableTheWorkerLoadedHasTheIndexesDatastoreCreateGivesItsColumns() throws Exception {
        String dataset = ckan.dataset();
        String rid = ckan.upload(dataset, "temperatures.csv", "CSV", CSV.getBytes(StandardCharsets.UTF_8)).path("id").asText();
        awaitTask(rid, "complete");
        List<Map<String, String>> fields = new ArrayList<>();
        for (JsonNode field : ckan.action("datastore_info", Map.of("id", rid)).path("fields")) {
            fields.add(Map.of("id", field.path("id").asText(), "type", field.path("type").asText()));
        }
        String api = ckan.action("datastore_create", Map.of("resource", Map.of("package_id", dataset, "name", "the same columns"),
                "fields", fields, "records", List.of())).path("resource_id").asText();

        assertEquals(indexShapes(api), indexShapes(rid), "the worker indexes a table as this CKAN's datastore_create does");
    }

    /**
     * Issue 15: an editor may link or claim any URL, but what the worker fetches with CKAN's
     * sysadmin token must never hand them another organisation's private file. (CKAN 2.10-2.12
     * accept {@code url_type: upload} with a URL through the API, and then show the resource's own
     * download URL under the claimed file name, a file that was never stored: a 500.) Each job ends
     * in an error, or in a table without the secret row.
     */
    @Test
    void g_anEditorCannotReadAPrivateFileThroughTheWorker() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String editor = "editor" + suffix;
        String editorToken = ckan.userWithToken(log, editor);
        ckan.action("organization_create", Map.of("name", "org-a-" + suffix));
        ckan.action("organization_member_create", Map.of("id", "org-a-" + suffix, "username", editor, "role", "editor"));
        ckan.action("organization_create", Map.of("name", "org-b-" + suffix));
        String secretDataset = ckan.action("package_create", Map.of("name", "secret-" + suffix, "owner_org", "org-b-" + suffix,
                "private", true)).path("name").asText();
        JsonNode secret = ckan.upload(secretDataset, "payroll.csv", "CSV",
                "name,salary\nTOP-SECRET-ROW,999999\n".getBytes(StandardCharsets.UTF_8));
        String secretId = secret.path("id").asText();
        awaitTask(secretId, "complete");
        String publicDataset = ckan.actionAs(editorToken, "package_create", Map.of("name", "open-" + suffix,
                "owner_org", "org-a-" + suffix)).path("name").asText();
        Map<String, Map<String, Object>> shapes = new java.util.LinkedHashMap<>();
        shapes.put("a link to the private upload's download URL", Map.of("url", secret.path("url").asText()));
        shapes.put("a link to the private table's DataStore dump", Map.of("url", ckan.url() + "/datastore/dump/" + secretId));
        shapes.put("an upload that claims the private upload's URL", Map.of("url", secret.path("url").asText(), "url_type", "upload"));

        List<String> leaks = new ArrayList<>();
        StringBuilder outcomes = new StringBuilder();
        for (Map.Entry<String, Map<String, Object>> shape : shapes.entrySet()) {
            Map<String, Object> resource = new HashMap<>(shape.getValue());
            resource.putAll(Map.of("package_id", publicDataset, "name", "copy.csv", "format", "CSV"));
            String rid = ckan.actionAs(editorToken, "resource_create", resource).path("id").asText();
            if (state(rid).isEmpty()) {
                ckan.action("datapusher_submit", Map.of("resource_id", rid));
            }
            await().atMost(LOAD).pollInterval(Duration.ofMillis(500)).until(() -> List.of("complete", "error").contains(state(rid)));
            String outcome = state(rid) + " " + ckan.datapusherStatus(rid).path("task_info").path("error").path("message").asText();
            boolean table = !oid(rid).isEmpty();
            outcomes.append("\n").append(shape.getKey()).append(": ").append(outcome).append(table ? ", table made" : ", no table");
            if (table && !"0".equals(sql("SELECT count(*) FROM \"" + rid + "\" t WHERE t::text LIKE '%TOP-SECRET-ROW%'").get(0))) {
                leaks.add(shape.getKey());
            }
        }

        assertEquals(List.of(), leaks, "the private rows reached the editor's table:" + outcomes);
    }

    /**
     * Issue 19: a curator makes one workbook load its second sheet with {@code resource_patch}, and
     * nothing else: the file is unchanged, CKAN's "Upload to DataStore" submits it, and the
     * DataStore tab's log says which setting did it.
     */
    @Test
    void h_aWorkbookPatchedWithDatapusherSheet2LoadsItsSecondSheetAndTheLogNamesTheSetting() throws Exception {
        String dataset = ckan.dataset();
        String rid = ckan.upload(dataset, "cities.xlsx", "XLSX", twoSheetWorkbook()).path("id").asText();
        awaitTask(rid, "complete");
        assertEquals(List.of("note"), columns(rid), "the first sheet, with nothing set");
        int jobsBefore = jobs(rid);

        ckan.action("resource_patch", Map.of("id", rid, "datapusher_sheet", "2"));
        assertEquals("2", ckan.action("resource_show", Map.of("id", rid)).path("datapusher_sheet").asText(),
                "CKAN keeps the field on the resource");
        if (jobs(rid) == jobsBefore) {
            // a patch that leaves the URL alone submits nothing: the curator presses "Upload to DataStore"
            ckan.pressUploadToDataStore(dataset, rid);
        }
        await().atMost(LOAD).until(() -> jobs(rid) == jobsBefore + 1 && "complete".equals(state(rid)));

        assertEquals(List.of("city", "population"), columns(rid));
        assertEquals(List.of("Lyon", "Porto"), sql("SELECT city FROM \"" + rid + "\" ORDER BY _id"));
        String logs = ckan.datapusherStatus(rid).path("task_info").path("logs").toString();
        assertTrue(logs.contains("datapusher_sheet=\\\"2\\\" (resource)"), logs);
    }

    /**
     * Issue 18: a file that grew by 10 rows at its end is appended to the live table: the same
     * table (its oid), the DataStore tab's log says {@code append}, datastore_search counts the new
     * rows at once, and the Data Dictionary a curator saved is untouched. With history on, as by
     * default, a restore undoes the append in the same table: the 10 rows go, CKAN counts 100 again.
     */
    @Test
    void i_aFileThatGrewByTenRowsIsAppendedAndTheDataDictionaryIsUntouchedAndARestoreUndoesIt() throws Exception {
        String dataset = ckan.dataset();
        StringBuilder grown = new StringBuilder("station,temperature,measured\n");
        for (int i = 1; i <= 110; i++) {
            grown.append("S").append(i).append(',').append(10 + i % 7).append(".5,2024-01-")
                    .append(String.format("%02d", 1 + i % 28)).append('\n');
        }
        String all = grown.toString();
        // the first 100 rows: 10 more are under INGEST_INCREMENTAL_MAX_FRACTION's default
        String first = all.substring(0, all.indexOf("S101,"));
        String rid = ckan.upload(dataset, "stations.csv", "CSV", first.getBytes(StandardCharsets.UTF_8)).path("id").asText();
        awaitTask(rid, "complete");
        ckan.action("datastore_create", Map.of("resource_id", rid, "force", true, "fields", List.of(
                Map.of("id", "station", "type", "text", "info", Map.of("label", "Station", "notes", "Code of the station")),
                Map.of("id", "temperature", "type", "numeric", "info", Map.of("label", "Temperature", "notes", "°C")),
                Map.of("id", "measured", "type", "date"))));
        JsonNode dictionary = ckan.action("datastore_info", Map.of("id", rid)).path("fields");
        String oidBefore = oid(rid);
        int jobsBefore = jobs(rid);

        ckan.replaceFile(rid, "stations.csv", all.getBytes(StandardCharsets.UTF_8));
        await().atMost(LOAD).until(() -> jobs(rid) > jobsBefore && "complete".equals(state(rid)));

        assertEquals(110, ckan.action("datastore_search", Map.of("resource_id", rid)).path("total").asInt(),
                "datastore_search's total is the new count at once");
        assertEquals(oidBefore, oid(rid), "the rows went into the live table, not a new one");
        assertEquals(List.of("S110"), sql("SELECT station FROM \"" + rid + "\" WHERE _id = 110"), "_ids go on from the last");
        assertEquals(dictionary, ckan.action("datastore_info", Map.of("id", rid)).path("fields"), "the Data Dictionary is untouched");
        String tab = ckan.dataStoreTab(dataset, rid);
        assertTrue(tab.contains("load: append: 10 new rows"), "the DataStore tab's log names the append");
        JsonNode search = ckan.action("datastore_search", Map.of("resource_id", rid, "q", "S105"));
        assertEquals(1, search.path("total").asInt(), "CKAN's full-text search finds an appended row");

        JsonNode history = worker.getJson("/api/resources/" + rid + "/history");
        assertEquals("append", history.path(0).path("kind").asText(), history.toPrettyString());
        WorkerProcess.Health restore = worker.postAnswer("/api/resources/" + rid + "/restore", "{}");
        assertEquals(202, restore.status(), restore.body().toString());
        awaitJob(restore.body().path("job_id").asText());
        assertEquals(100, ckan.action("datastore_search", Map.of("resource_id", rid)).path("total").asInt(),
                "the undo of the append: the 10 rows are gone, and CKAN counts them gone at once");
        assertEquals(0, ckan.action("datastore_search", Map.of("resource_id", rid, "q", "S105")).path("total").asInt());
        assertEquals(oidBefore, oid(rid), "undone in the live table");
        assertEquals(dictionary, ckan.action("datastore_info", Map.of("id", rid)).path("fields"), "the Data Dictionary is untouched");
    }

    /** The data columns of a resource's table, in order. */
    List<String> columns(String rid) throws Exception {
        return sql("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '"
                + rid + "' AND column_name NOT LIKE '\\_%' ORDER BY ordinal_position");
    }

    /** A workbook whose first sheet is a note and whose second holds the table. */
    static byte[] twoSheetWorkbook() throws Exception {
        try (org.apache.poi.xssf.usermodel.XSSFWorkbook workbook = new org.apache.poi.xssf.usermodel.XSSFWorkbook();
             java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream()) {
            List<List<String>> notes = List.of(List.of("note"), List.of("the data is on the next sheet"));
            List<List<String>> cities = List.of(List.of("city", "population"), List.of("Lyon", "522250"), List.of("Porto", "231800"));
            for (Map.Entry<String, List<List<String>>> sheet : List.of(Map.entry("Read me", notes), Map.entry("Cities", cities))) {
                org.apache.poi.ss.usermodel.Sheet tab = workbook.createSheet(sheet.getKey());
                for (int r = 0; r < sheet.getValue().size(); r++) {
                    org.apache.poi.ss.usermodel.Row row = tab.createRow(r);
                    for (int c = 0; c < sheet.getValue().get(r).size(); c++) {
                        row.createCell(c).setCellValue(sheet.getValue().get(r).get(c));
                    }
                }
            }
            workbook.write(out);
            return out.toByteArray();
        }
    }

    /** The table's index definitions with its own id and CKAN's generated index names taken out. */
    List<String> indexShapes(String rid) throws Exception {
        return sql("SELECT regexp_replace(replace(indexdef, '" + rid + "', 'T'), '^CREATE (UNIQUE )?INDEX \\S+ ON', "
                + "'CREATE \\1INDEX ON') FROM pg_indexes WHERE tablename = '" + rid + "' ORDER BY 1");
    }

    /** The reshaped file: temperature renamed temp_c (same place, same type), measured dropped. */
    static final String RESHAPED_CSV = "station,temp_c\nA1,12.5\nB2,9.25\nC3 river mouth,15\nD4,7.75\n";

    /**
     * Issue 17: a curated Data Dictionary (labels, notes, a type_override, saved as CKAN's Data
     * Dictionary form saves it, with datastore_create's fields and info), then a reload whose file
     * renamed one column and dropped another: the DataStore tab's upload log shows the drift.
     */
    @Test
    void p_aReloadThatRenamesAndDropsCuratedColumnsLoadsAndTheDataStoreTabShowsTheDrift() throws Exception {
        String dataset = ckan.dataset();
        String rid = ckan.upload(dataset, "temperatures.csv", "CSV", CSV.getBytes(StandardCharsets.UTF_8)).path("id").asText();
        awaitTask(rid, "complete");
        curate(rid);
        String oidBefore = oid(rid);

        ckan.replaceFile(rid, "temperatures.csv", RESHAPED_CSV.getBytes(StandardCharsets.UTF_8));
        await().atMost(LOAD).until(() -> !oid(rid).equals(oidBefore) && "complete".equals(state(rid)));

        assertEquals("4", count(rid));
        String logs = ckan.datapusherStatus(rid).path("task_info").path("logs").toString();
        assertTrue(logs.contains("schema drift") && logs.contains("possibly renamed"), logs);
        String tab = ckan.dataStoreTab(dataset, rid);
        assertTrue(tab.contains("schema drift against the live table"), "the DataStore tab shows the drift");
        assertTrue(tab.contains("temperature") && tab.contains("temp_c") && tab.contains("measured"), "it names the columns");
        JsonNode job = worker.getJson("/api/jobs?resource_id=" + rid).path(0);
        assertEquals("[\"temperature\",\"measured\"]", job.path("drift").path("removed").toString(), job.toPrettyString());
    }

    /**
     * Issue 17: the same reload under INGEST_DRIFT_POLICY=protect-dictionary fails, CKAN's task ends
     * in an error that names the column and how to accept it, and the live table is untouched. The
     * worker is started again with that policy for this test, on the same port CKAN calls.
     */
    @Test
    void q_underProtectDictionaryTheSameReloadFailsWithTheLiveTableUntouched() throws Exception {
        String dataset = ckan.dataset();
        String rid = ckan.upload(dataset, "temperatures.csv", "CSV", CSV.getBytes(StandardCharsets.UTF_8)).path("id").asText();
        awaitTask(rid, "complete");
        curate(rid);
        String before = table(rid);
        JsonNode infoBefore = ckan.action("datastore_info", Map.of("id", rid)).path("fields");

        worker.close();
        Map<String, String> protect = new HashMap<>(workerEnv);
        protect.put("INGEST_DRIFT_POLICY", "protect-dictionary");
        worker = WorkerProcess.start("worker-" + version.selector() + "-protect-dictionary", protect);
        try {
            ckan.replaceFile(rid, "temperatures.csv", RESHAPED_CSV.getBytes(StandardCharsets.UTF_8));
            awaitTask(rid, "error");

            String message = ckan.datapusherStatus(rid).path("task_info").path("error").path("message").asText();
            assertTrue(message.contains("protect-dictionary") && message.contains("\"temperature\""), message);
            assertTrue(message.contains("accept_drift"), message);
            assertEquals(before, table(rid), "the live table, its rows and its dictionary are untouched");
            assertEquals(infoBefore, ckan.action("datastore_info", Map.of("id", rid)).path("fields"));
            assertTrue(ckan.dataStoreTab(dataset, rid).contains("protect-dictionary"), "the tab shows why");
        } finally {
            worker.close();
            worker = WorkerProcess.start("worker-" + version.selector(), workerEnv);
        }
    }

    /** Labels, notes and a type_override, as the Data Dictionary form saves them (datastore_create with info). */
    void curate(String rid) throws Exception {
        ckan.action("datastore_create", Map.of("resource_id", rid, "force", true, "fields", List.of(
                Map.of("id", "station", "type", "text", "info", Map.of("label", "Station", "notes", "Code of the station",
                        "type_override", "")),
                Map.of("id", "temperature", "type", "numeric", "info", Map.of("label", "Temperature", "notes", "°C",
                        "type_override", "numeric")),
                Map.of("id", "measured", "type", "date", "info", Map.of("label", "Measured on", "notes", "",
                        "type_override", "")))));
    }

    void awaitTask(String rid, String state) {
        await().atMost(LOAD).pollInterval(Duration.ofMillis(500)).until(() -> state.equals(state(rid)));
    }

    String state(String rid) throws Exception {
        try {
            return ckan.datapusherStatus(rid).path("status").asText();
        } catch (java.io.IOException noTaskYet) {
            return "";
        }
    }

    int jobs(String rid) throws Exception {
        return worker.getJson("/api/jobs?resource_id=" + rid).size();
    }

    String oid(String rid) throws Exception {
        return sql("SELECT coalesce(to_regclass('public.\"" + rid + "\"')::oid::text, '')").get(0);
    }

    String count(String rid) throws Exception {
        return sql("SELECT count(*) FROM \"" + rid + "\"").get(0);
    }

    /** Rows, column types and comments, indexes and the table's oid: everything a reload would change. */
    String table(String rid) throws Exception {
        return String.join("\n", sql("SELECT to_regclass('public.\"" + rid + "\"')::oid::text"
                + " UNION ALL SELECT md5(string_agg(t::text, ',' ORDER BY _id)) FROM \"" + rid + "\" t"
                + " UNION ALL SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod) || ' '"
                + " || coalesce(col_description(attrelid, attnum), ''), ', ' ORDER BY attnum) FROM pg_attribute"
                + " WHERE attrelid = to_regclass('public.\"" + rid + "\"') AND attnum > 0 AND NOT attisdropped"
                + " UNION ALL SELECT string_agg(indexdef, ', ' ORDER BY indexname) FROM pg_indexes WHERE tablename = '" + rid + "'"));
    }

    String md5(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    List<String> sql(String query) throws Exception {
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

    /**
     * Issue 17's undo: a reload whose file renamed a curated column replaces the table, and a restore
     * brings back the old rows with their Data Dictionary as CKAN shows them; a second restore undoes
     * the first.
     */
    @Test
    void u_aRestoreBringsBackTheOldRowsAndTheirNotesAndASecondRestoreUndoesIt() throws Exception {
        String dataset = ckan.dataset();
        String rid = ckan.upload(dataset, "temperatures.csv", "CSV", CSV.getBytes(StandardCharsets.UTF_8)).path("id").asText();
        awaitTask(rid, "complete");
        ckan.action("datastore_create", Map.of("resource_id", rid, "force", true, "fields", List.of(
                Map.of("id", "station", "type", "text", "info", Map.of("label", "Station", "notes", "Code of the station")),
                Map.of("id", "temperature", "type", "numeric", "info", Map.of("label", "Temperature", "notes", "°C",
                        "type_override", "numeric")),
                Map.of("id", "measured", "type", "date"))));
        String curatedOid = oid(rid);
        String renamed = "station,temp_f,measured\nA1,54.5,2024-01-01\nB2,48.65,2024-01-02\n";
        ckan.replaceFile(rid, "temperatures.csv", renamed.getBytes(StandardCharsets.UTF_8));
        await().atMost(LOAD).until(() -> !oid(rid).equals(curatedOid) && "complete".equals(state(rid)));
        assertEquals("temp_f", ckan.action("datastore_info", Map.of("id", rid)).path("fields").path(1).path("id").asText());
        JsonNode history = worker.getJson("/api/resources/" + rid + "/history");
        assertEquals(1, history.size(), history.toPrettyString());
        assertEquals(3, history.path(0).path("rows").asInt());

        WorkerProcess.Health restore = worker.postAnswer("/api/resources/" + rid + "/restore", "{}");
        assertEquals(202, restore.status(), restore.body().toString());
        awaitJob(restore.body().path("job_id").asText());

        JsonNode search = ckan.action("datastore_search", Map.of("resource_id", rid, "sort", "_id"));
        assertEquals(3, search.path("total").asInt(), "CKAN serves the old rows");
        assertEquals("12.5", search.path("records").path(0).path("temperature").asText());
        JsonNode fields = ckan.action("datastore_info", Map.of("id", rid)).path("fields");
        assertEquals("temperature", fields.path(1).path("id").asText(), fields.toPrettyString());
        assertEquals("°C", fields.path(1).path("info").path("notes").asText(), "the old notes are back");
        assertEquals("Code of the station", fields.path(0).path("info").path("notes").asText());
        assertTrue(ckan.action("resource_show", Map.of("id", rid)).path("datastore_active").asBoolean());

        WorkerProcess.Health undo = worker.postAnswer("/api/resources/" + rid + "/restore", "");
        assertEquals(202, undo.status(), undo.body().toString());
        awaitJob(undo.body().path("job_id").asText());
        JsonNode again = ckan.action("datastore_search", Map.of("resource_id", rid, "sort", "_id"));
        assertEquals(2, again.path("total").asInt(), "the second restore brings the reloaded table back");
        assertEquals("54.5", again.path("records").path(0).path("temp_f").asText());
    }

    void awaitJob(String jobId) {
        await().atMost(LOAD).pollInterval(Duration.ofMillis(500)).until(() ->
                List.of("complete", "failed", "metadata_pending").contains(worker.getJson("/api/jobs/" + jobId).path("status").asText()));
        try {
            JsonNode job = worker.getJson("/api/jobs/" + jobId);
            assertEquals("complete", job.path("status").asText(), job.toPrettyString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
