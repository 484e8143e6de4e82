package io.datapusher.worker.it;

import io.datapusher.worker.datastore.Sql;
import io.datapusher.worker.testsupport.EndToEndTest;
import io.datapusher.worker.testsupport.Jobs;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Under the default policy (report) a reload whose columns changed loads, and says so on the job,
 * in a metric and in the upload log CKAN's DataStore tab shows; a preview shows what a file would
 * become and writes nothing anywhere.
 */
@QuarkusTest
class DriftAndPreviewTest extends EndToEndTest {

    static final String CENSUS = "name,pop_2023,area\nOslo,700000,454\nBergen,285000,465\n";
    static final String RESHAPED = "name,pop_2024\nOslo,710000\nBergen,290000\nTromso,77000\n";
    static final String NOTES = " {\"_info\":{\"label\":\"Population 2023\",\"notes\":\"Census count\"}}";

    @TestHTTPResource("/")
    URL worker;

    @BeforeEach
    void reportCkan211() {
        ckan.version("2.11.5");
    }

    @Test
    void aReloadThatRenamesAndDropsColumnsRecordsTheDriftOnTheJobAndInTheDataStoreTabsLog() throws Exception {
        ckan.datapusherUrl(worker.toString());
        String rid = resource(CENSUS);
        assertTrue(ckan.datapusherSubmit(rid, false).submitted());
        assertEquals("complete", Jobs.awaitEnded(rid).getString("status"));
        assertNull(Jobs.awaitEnded(rid).get("drift"), "a first load has no drift");
        // CKAN takes no new submit while its task waits for the first load's callback.
        await().atMost(Duration.ofSeconds(30)).until(() -> "complete".equals(ckan.task(rid).get("state")));
        curate(rid);

        ckan.replaceFile(rid, RESHAPED.getBytes(StandardCharsets.UTF_8));
        assertTrue(ckan.datapusherSubmit(rid, false).submitted());
        JsonPath job = awaitNewest(rid, 2);

        assertEquals("complete", job.getString("status"), job.prettify());
        assertEquals(List.of("pop_2024"), job.getList("drift.added"));
        assertEquals(List.of("pop_2023", "area"), job.getList("drift.removed"));
        assertEquals(List.of(Map.of("from", "pop_2023", "to", "pop_2024")), job.getList("drift.possibly_renamed"));
        assertEquals("pop_2023", job.getString("drift.dictionary_lost[0].id"));
        assertEquals(List.of("label", "notes"), job.getList("drift.dictionary_lost[0].entries"));
        assertEquals(2, job.getInt("drift.rows_before"));
        assertEquals(3, job.getInt("drift.rows_after"));

        await().atMost(Duration.ofSeconds(30)).until(() -> "complete".equals(ckan.task(rid).get("state")));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> logs = (List<Map<String, Object>>) ((Map<String, Object>) ckan.datapusherStatus(rid)
                .get("task_info")).get("logs");
        Map<String, Object> driftLine = logs.stream().filter(l -> l.get("message").toString().contains("schema drift"))
                .findFirst().orElseThrow(() -> new AssertionError("no drift line in " + logs));
        assertEquals("WARNING", driftLine.get("level"));
        String message = driftLine.get("message").toString();
        assertTrue(message.contains("\"pop_2023\"") && message.contains("\"area\"") && message.contains("possibly renamed"),
                message);

        String metrics = given().get("/q/metrics").asString();
        assertTrue(metrics.contains("datapusher_drift_loads_total{outcome=\"reported\"}"), "the drift is counted");
    }

    @Test
    void aPreviewShowsTypesWhyTheFirstRowsAndTheDriftAndChangesNothing() throws Exception {
        String rid = loaded(CENSUS);
        curate(rid);
        String before = checksum(rid);
        int patches = ckan.patches().size();
        int ckanCalls = ckan.requests().size();
        ckan.replaceFile(rid, RESHAPED.getBytes(StandardCharsets.UTF_8));

        String jobId = given().post("/api/resources/" + rid + "/preview").then().statusCode(202)
                .extract().jsonPath().getString("job_id");
        JsonPath job = awaitJob(jobId);

        assertEquals("preview", job.getString("kind"));
        assertEquals("complete", job.getString("status"), job.prettify());
        assertEquals(List.of("fetch-resource", "download", "analyze", "preview"), job.getList("steps.step"));
        assertEquals(3, job.getInt("preview.rows"));
        assertEquals(List.of("name", "pop_2024"), job.getList("preview.columns.id"));
        assertEquals(List.of("text", "integer"), job.getList("preview.columns.type"));
        assertEquals("integer: 3 values parse as integer, 0 empty", job.getString("preview.columns[1].why"));
        assertEquals(Map.of("name", "Oslo", "pop_2024", "710000"), job.getMap("preview.first_rows[0]"));
        assertEquals(List.of("pop_2023", "area"), job.getList("preview.drift.removed"));
        assertNull(job.get("drift"), "a preview's drift is in its preview, the job loaded nothing");

        assertEquals(before, checksum(rid), "the live table is unchanged");
        assertEquals(patches, ckan.patches().size(), "CKAN saw no resource_patch");
        assertEquals(List.of(), ckan.requests().subList(ckanCalls, ckan.requests().size()).stream()
                .filter(r -> !r.isDownload() && !List.of("resource_show", "status_show").contains(r.action()))
                .map(r -> r.method() + " " + r.path()).toList(), "CKAN saw only reads");

        // the file still loads afterwards, as a preview supersedes nothing
        given().contentType(ContentType.JSON).body("{\"resource_id\": \"" + rid + "\"}").post("/api/jobs").then().statusCode(202);
        assertEquals("complete", awaitNewest(rid, 3).getString("status"));
    }

    @Test
    void aPreviewAndALoadOfTheSameResourceBothRunAndTheLoadWins() throws Exception {
        String rid = loaded(CENSUS);
        StringBuilder big = new StringBuilder("name,pop_2023,area\n");
        for (int i = 0; i < 50_000; i++) {
            big.append("town ").append(i).append(',').append(i).append(',').append(i % 500).append('\n');
        }
        ckan.replaceFile(rid, big.toString().getBytes(StandardCharsets.UTF_8));

        given().contentType(ContentType.JSON).body("{\"resource_id\": \"" + rid + "\", \"ignore_hash\": true}")
                .post("/api/jobs").then().statusCode(202);
        String previewId = given().post("/api/resources/" + rid + "/preview").then().statusCode(202)
                .extract().jsonPath().getString("job_id");

        assertEquals("complete", awaitJob(previewId).getString("status"));
        await().atMost(Duration.ofSeconds(90)).until(() -> Jobs.of(rid).stream()
                .allMatch(j -> List.of("complete", "failed", "superseded", "skipped").contains(j.get("status"))));
        List<Map<String, Object>> jobs = Jobs.of(rid);
        assertEquals(List.of("complete", "complete", "complete"), jobs.stream().map(j -> j.get("status")).toList(), jobs.toString());
        assertEquals("50000", datastore().queryOne("SELECT count(*) FROM \"" + rid + "\""));
    }

    @Test
    void dryRunOnPostApiJobsIsAPreviewAndAFirstPreviewCreatesNoTable() throws Exception {
        String rid = resource(CENSUS);

        String jobId = given().contentType(ContentType.JSON).body("{\"resource_id\": \"" + rid + "\", \"dry_run\": true}")
                .post("/api/jobs").then().statusCode(202).extract().jsonPath().getString("job_id");
        JsonPath job = awaitJob(jobId);

        assertEquals("preview", job.getString("kind"));
        assertEquals("complete", job.getString("status"), job.prettify());
        assertNull(job.get("preview.drift"), "no live table, no drift");
        assertEquals("0", datastore().queryOne("SELECT count(*) FROM pg_class WHERE relname = " + Sql.quoteLiteral(rid)));
        assertEquals(List.of(), ckan.patches());
    }

    @Test
    void aPreviewOfAFileTheLoadWouldRefuseFailsWithTheLoadsErrorAndShowsWhatWasAnalysed() throws Exception {
        String rid = loaded(CENSUS);
        datastore().writerExecute("COMMENT ON COLUMN \"" + rid + "\".\"area\" IS "
                + Sql.quoteLiteral(" {\"_info\":{\"label\":\"area\",\"type_override\":\"numeric\"}}"));
        String before = checksum(rid);
        ckan.replaceFile(rid, "name,pop_2023,area\nOslo,700000,n/a\n".getBytes(StandardCharsets.UTF_8));

        String jobId = given().post("/api/resources/" + rid + "/preview").then().statusCode(202)
                .extract().jsonPath().getString("job_id");
        JsonPath job = awaitJob(jobId);

        assertEquals("failed", job.getString("status"), job.prettify());
        assertTrue(job.getString("error").contains("\"area\"") && job.getString("error").contains("n/a"), job.getString("error"));
        assertEquals(job.getString("error"), job.getString("preview.error"));
        assertEquals(List.of("name", "pop_2023", "area"), job.getList("preview.columns.id"));
        assertEquals(before, checksum(rid));
    }

    @Test
    void aPreviewOfAFileWhoseAnalysisFailsShowsTheErrorAndWhatWasKnown() throws Exception {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, "<!DOCTYPE html><html><body>Not found</body></html>".getBytes(StandardCharsets.UTF_8), "CSV");

        JsonPath job = awaitJob(given().post("/api/resources/" + rid + "/preview").then().statusCode(202)
                .extract().jsonPath().getString("job_id"));

        assertEquals("failed", job.getString("status"), job.prettify());
        assertEquals("analyze", job.getString("step"));
        assertEquals(job.getString("error"), job.getString("preview.error"));
        assertTrue(job.getInt("preview.bytes") > 0, job.prettify());
        assertEquals(List.of(), job.getList("preview.columns"));
    }

    // ---------------------------------------------------------------- helpers

    private String resource(String csv) {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, csv.getBytes(StandardCharsets.UTF_8), "CSV");
        return rid;
    }

    private String loaded(String csv) throws Exception {
        String rid = resource(csv);
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        assertEquals("complete", Jobs.awaitEnded(rid).getString("status"));
        return rid;
    }

    private static void curate(String rid) throws Exception {
        datastore().writerExecute("COMMENT ON COLUMN \"" + rid + "\".\"pop_2023\" IS " + Sql.quoteLiteral(NOTES));
    }

    static String checksum(String rid) throws Exception {
        return String.join("\n",
                datastore().queryOne("SELECT md5(string_agg(t::text, ',' ORDER BY _id)) FROM \"" + rid + "\" t"),
                String.join("|", datastore().query("SELECT attname || '=' || format_type(atttypid, atttypmod) || '=' || "
                        + "coalesce(col_description(attrelid, attnum), '') FROM pg_attribute WHERE attrelid = '\"" + rid
                        + "\"'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum")),
                datastore().queryOne("SELECT obj_description('\"" + rid + "\"'::regclass, 'pg_class')"),
                datastore().queryOne("SELECT '\"" + rid + "\"'::regclass::oid"));
    }

    static JsonPath awaitJob(String jobId) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            String status = given().get("/api/jobs/" + jobId).jsonPath().getString("status");
            return List.of("complete", "failed", "skipped", "superseded", "metadata_pending").contains(status);
        });
        return new JsonPath(given().get("/api/jobs/" + jobId).asString());
    }

    static JsonPath awaitNewest(String rid, int count) {
        await().atMost(Duration.ofSeconds(60)).until(() -> Jobs.of(rid).size() >= count);
        return Jobs.awaitEnded(rid);
    }
}
