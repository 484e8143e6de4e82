package io.datapusher.worker.it;

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
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Undo through the API: a reload that dropped a curated column is listed in the resource's history,
 * and a restore job brings the old rows and their notes back, then patches CKAN as a load does.
 */
@QuarkusTest
class UndoTest extends EndToEndTest {

    private static final String V1 = "town,pop_2023\nAix,10\nBrest,20\n";
    private static final String V2 = "town,pop_2024\nAix,11\nBrest,21\nCaen,31\n";
    private static final String NOTE = " {\"_info\":{\"label\":\"Population 2023\",\"notes\":\"census\"}}";

    @Test
    void aReloadIsListedAndARestoreJobBringsBackTheOldRowsAndNotesAndASecondUndoesIt() throws Exception {
        ckan.version("2.11.5");
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, V1.getBytes(StandardCharsets.UTF_8), "CSV");
        String firstJob = load(rid, 1);
        datastore().writerExecute("COMMENT ON COLUMN \"" + rid + "\".\"pop_2023\" IS '" + NOTE.replace("'", "''") + "'");
        ckan.replaceFile(rid, V2.getBytes(StandardCharsets.UTF_8));
        String secondJob = load(rid, 2);

        JsonPath history = given().get("/api/resources/" + rid + "/history").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(firstJob), history.getList("version"));
        assertEquals(List.of(firstJob), history.getList("job"));
        assertEquals(List.of(secondJob), history.getList("replaced_by_job"));
        assertEquals(List.of(2), history.getList("rows"));
        assertEquals(List.of("town", "pop_2023"), history.getList("columns[0].id"));
        assertTrue(history.getLong("[0].bytes") > 0);

        // no body at all: the newest version
        String restoreJob = given().post("/api/resources/" + rid + "/restore")
                .then().statusCode(202).extract().path("job_id");
        JsonPath job = awaitJob(restoreJob);
        assertEquals("complete", job.getString("status"), job.prettify());
        assertEquals("restore", job.getString("kind"));
        assertEquals(List.of("restore", "update-metadata"), job.getList("steps.step"));
        assertEquals(2, job.getLong("rows"));
        assertEquals(List.of("Aix|10", "Brest|20"),
                datastore().query("SELECT town || '|' || pop_2023 FROM \"" + rid + "\" ORDER BY _id"));
        assertEquals(NOTE, datastore().queryOne("SELECT col_description(attrelid, attnum) FROM pg_attribute"
                + " WHERE attrelid = '\"" + rid + "\"'::regclass AND attname = 'pop_2023'"));
        Map<String, Object> patch = ckan.patches().get(ckan.patches().size() - 1);
        assertEquals(rid, patch.get("id"));
        assertEquals(true, patch.get("datastore_active"));
        assertEquals(md5(V2), patch.get("hash"), "CKAN's hash stays the current file's");

        // CKAN's datapusher plugin resubmits after every resource_patch: the unchanged file must not undo the restore
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        await().atMost(Duration.ofSeconds(60)).until(() -> Jobs.of(rid).size() >= 4);
        assertEquals("skipped", Jobs.awaitEnded(rid).getString("status"));
        assertEquals("2", datastore().queryOne("SELECT count(*) FROM \"" + rid + "\""));

        String undo = given().contentType(ContentType.JSON).body("{\"version\": \"" + secondJob + "\"}")
                .post("/api/resources/" + rid + "/restore").then().statusCode(202).extract().path("job_id");
        assertEquals("complete", awaitJob(undo).getString("status"));
        assertEquals("3", datastore().queryOne("SELECT count(*) FROM \"" + rid + "\""));
        assertEquals(List.of(firstJob), given().get("/api/resources/" + rid + "/history").then().statusCode(200)
                .extract().jsonPath().getList("version"));
    }

    @Test
    void badRestoresAreAnsweredAtOnceAndCreateNoJob() throws Exception {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, V1.getBytes(StandardCharsets.UTF_8), "CSV");
        load(rid, 1);

        given().get("/api/resources/" + rid + "/history").then().statusCode(200).body("size()", org.hamcrest.Matchers.is(0));
        given().contentType(ContentType.JSON).body("{}").post("/api/resources/" + rid + "/restore")
                .then().statusCode(409).body("error", containsString("no kept versions"));

        ckan.replaceFile(rid, V2.getBytes(StandardCharsets.UTF_8));
        load(rid, 2);
        given().contentType(ContentType.JSON).body("{\"version\": \"" + UUID.randomUUID() + "\"}")
                .post("/api/resources/" + rid + "/restore").then().statusCode(404).body("error", containsString("no kept version"));
        assertEquals(2, Jobs.of(rid).size());
    }

    @Test
    void theHistoryNeedsTheApiToken() {
        given().header("Authorization", "Bearer wrong").get("/api/resources/any/history").then().statusCode(401);
        given().header("Authorization", "Bearer wrong").contentType(ContentType.JSON).body("{}")
                .post("/api/resources/any/restore").then().statusCode(401);
    }

    /** Publishes a resubmit and waits for the resource's {@code count}-th job to end complete; returns its id. */
    private String load(String rid, int count) throws Exception {
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\", \"ignore_hash\": true}");
        await().atMost(Duration.ofSeconds(60)).until(() -> Jobs.of(rid).size() >= count);
        JsonPath job = Jobs.awaitEnded(rid);
        assertEquals("complete", job.getString("status"), job.prettify());
        return job.getString("job_id");
    }

    private static String md5(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                .digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonPath awaitJob(String jobId) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            String status = given().get("/api/jobs/" + jobId).then().statusCode(200).extract().path("status");
            return List.of("complete", "failed", "metadata_pending", "superseded").contains(status);
        });
        return new JsonPath(given().get("/api/jobs/" + jobId).asString());
    }
}
