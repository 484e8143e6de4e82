package io.datapusher.worker.it;

import io.datapusher.worker.datastore.IndexNames;
import io.datapusher.worker.datastore.Sql;
import io.datapusher.worker.testsupport.EndToEndTest;
import io.datapusher.worker.testsupport.Jobs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18 end to end, with history on as by default: a file that grew at its end is appended to
 * the live table and the job says so ({@code load}, {@code rows_inserted}, its drift report, the
 * load step's detail that CKAN's DataStore tab shows); the append is listed in the resource's
 * history and a restore job undoes it; {@code "full": true} on POST /api/jobs reloads it in full,
 * with the reason on the job.
 */
@QuarkusTest
class IncrementalFlowTest extends EndToEndTest {

    @Test
    void aGrownFileIsAppendedAndFullTrueForcesAFullReload() throws Exception {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, csv(100), "CSV");
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        Map<String, Object> first = awaitJob(rid, 1);
        assertEquals("complete", first.get("status"), first.toString());
        assertEquals("full", first.get("load"));
        assertTrue(String.valueOf(first.get("load_reason")).contains("no live table"), first.toString());
        String oid = datastore().queryOne("SELECT '\"" + rid + "\"'::regclass::oid");

        ckan.replaceFile(rid, csv(105));
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        Map<String, Object> appended = awaitJob(rid, 2);

        assertEquals("complete", appended.get("status"), appended.toString());
        assertEquals("append", appended.get("load"));
        assertEquals(5, ((Number) appended.get("rows_inserted")).intValue());
        assertEquals(0, ((Number) appended.get("rows_updated")).intValue());
        assertEquals(105, ((Number) appended.get("rows")).intValue());
        assertNull(appended.get("load_reason"));
        assertEquals(oid, datastore().queryOne("SELECT '\"" + rid + "\"'::regclass::oid"), "the same table, not a new one");
        assertEquals("105", datastore().queryOne("SELECT max(_id) FROM \"" + rid + "\""));
        String detail = steps(appended).stream().filter(s -> "load".equals(s.get("step"))).findFirst().orElseThrow()
                .get("detail").toString();
        assertTrue(detail.startsWith("append: 5 new rows"), detail);
        @SuppressWarnings("unchecked")
        Map<String, Object> drift = (Map<String, Object>) appended.get("drift");
        assertEquals(100, ((Number) drift.get("rows_before")).intValue(), appended.toString());
        assertEquals(105, ((Number) drift.get("rows_after")).intValue());
        assertEquals(List.of(), drift.get("removed"));

        JsonPath history = given().get("/api/resources/" + rid + "/history").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("append"), history.getList("kind"));
        assertEquals(List.of(first.get("job_id")), history.getList("version"));
        assertEquals(List.of(100), history.getList("rows"));
        String undo = given().contentType(ContentType.JSON).body("{}").post("/api/resources/" + rid + "/restore")
                .then().statusCode(202).extract().path("job_id");
        Map<String, Object> undone = awaitJob(rid, 3);
        assertEquals(undo, undone.get("job_id"));
        assertEquals("complete", undone.get("status"), undone.toString());
        assertEquals(100, ((Number) undone.get("rows")).intValue());
        assertEquals("100", datastore().queryOne("SELECT max(_id) FROM \"" + rid + "\""));
        assertEquals(oid, datastore().queryOne("SELECT '\"" + rid + "\"'::regclass::oid"), "undone in place");

        ckan.replaceFile(rid, csv(110));
        given().contentType(ContentType.JSON).body("{\"resource_id\": \"" + rid + "\", \"full\": true}").post("/api/jobs")
                .then().statusCode(202);
        Map<String, Object> full = awaitJob(rid, 4);

        assertEquals("complete", full.get("status"), full.toString());
        assertEquals("full", full.get("load"));
        assertTrue(String.valueOf(full.get("load_reason")).contains("\"full\": true"), full.toString());
        assertEquals("110", datastore().queryOne("SELECT count(*) FROM \"" + rid + "\""));
    }

    @Test
    void aKeyedLoadIsUndoneThroughTheApiAndTheUndoOfATableWrittenSinceIsRefused() throws Exception {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, csv(100), "CSV");
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        assertEquals("complete", awaitJob(rid, 1).get("status"));
        datastore().writerExecute("CREATE UNIQUE INDEX " + Sql.quoteIdent(IndexNames.ckanName(rid, "\"id\"")) + " ON "
                + Sql.publicTable(rid) + " (\"id\")");
        String table = Sql.publicTable(rid);
        List<String> before = datastore().query("SELECT t::text FROM " + table + " t ORDER BY \"_id\"");

        // row 7 gone, row 50 changed, rows 101 and 102 new
        String edited = new String(csv(102), StandardCharsets.UTF_8).replace("\n7,name 7,21.5\n", "\n")
                .replace("\n50,name 50,", "\n50,renamed 50,");
        ckan.replaceFile(rid, edited.getBytes(StandardCharsets.UTF_8));
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        Map<String, Object> keyed = awaitJob(rid, 2);
        assertEquals("keyed", keyed.get("load"), keyed.toString());
        assertEquals(List.of(2, 1, 1), List.of(((Number) keyed.get("rows_inserted")).intValue(),
                ((Number) keyed.get("rows_updated")).intValue(), ((Number) keyed.get("rows_deleted")).intValue()));
        assertEquals(List.of("keyed"), given().get("/api/resources/" + rid + "/history").then().statusCode(200)
                .extract().jsonPath().getList("kind"));

        given().contentType(ContentType.JSON).body("{}").post("/api/resources/" + rid + "/restore").then().statusCode(202);
        Map<String, Object> undone = awaitJob(rid, 3);
        assertEquals("complete", undone.get("status"), undone.toString());
        assertEquals(before, datastore().query("SELECT t::text FROM " + table + " t ORDER BY \"_id\""),
                "the rows as they were, with their _id and _full_text");

        // the undo is undone in its turn; then a write through CKAN's API makes a further undo inexact
        given().contentType(ContentType.JSON).body("{\"version\": \"" + keyed.get("job_id") + "\"}")
                .post("/api/resources/" + rid + "/restore").then().statusCode(202);
        assertEquals("complete", awaitJob(rid, 4).get("status"));
        assertEquals("renamed 50", datastore().queryOne("SELECT name FROM " + table + " WHERE id = 50"));
        datastore().writerExecute("UPDATE " + table + " SET \"name\" = 'upserted' WHERE \"_id\" = 1");
        given().contentType(ContentType.JSON).body("{}").post("/api/resources/" + rid + "/restore")
                .then().statusCode(409).body("error", containsString("written since"));
        assertEquals(4, Jobs.of(rid).size(), "a refused restore creates no job");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> steps(Map<String, Object> job) {
        return (List<Map<String, Object>>) job.get("steps");
    }

    /** The newest job once the resource has {@code count} jobs and it has ended. */
    private static Map<String, Object> awaitJob(String rid, int count) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            List<Map<String, Object>> jobs = Jobs.of(rid);
            return jobs.size() == count && List.of("complete", "skipped", "metadata_pending", "failed", "superseded")
                    .contains(jobs.get(0).get("status"));
        });
        return Jobs.of(rid).get(0);
    }

    private static byte[] csv(int rows) {
        StringBuilder csv = new StringBuilder("id,name,amount\n");
        for (int i = 1; i <= rows; i++) {
            csv.append(i).append(",name ").append(i).append(',').append(i * 3).append(".5\n");
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }
}
