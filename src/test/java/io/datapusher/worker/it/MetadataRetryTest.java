package io.datapusher.worker.it;

import io.datapusher.worker.service.RunningJobs;
import io.datapusher.worker.testsupport.EndToEndTest;
import io.datapusher.worker.testsupport.IngestTestEnvironment;
import io.datapusher.worker.testsupport.Jobs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * After the pivot the data is live whatever CKAN says: the metadata retry heals a CKAN outage by
 * itself, never touches the datastore, and never lets an old file's hash overwrite a newer one.
 * (Test settings: retries after 1 s, then 2 s; 4 attempts.)
 */
@QuarkusTest
class MetadataRetryTest extends EndToEndTest {

    @Inject
    RunningJobs running;

    private static final String CSV = "name,amount\nAda,12\nGrace,7\n";

    @Test
    void solrDownForLongerThanTwoRetryDelaysHealsWithoutTouchingTheDatastore() throws Exception {
        String rid = resource(CSV);
        ckan.solrDown(true);
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        assertEquals("metadata_pending", Jobs.awaitEnded(rid).getString("status"));
        String oid = tableOid(rid);
        String marker = tableComment(rid);

        // two retries after the first attempt, each failed against Solr
        await().atMost(Duration.ofSeconds(30)).until(() -> job(rid).getInt("attempts") >= 3);
        assertEquals("metadata_pending", Jobs.of(rid).get(0).get("status"), "still pending while Solr is down");
        ckan.solrDown(false);

        await().atMost(Duration.ofSeconds(30)).until(() -> "complete".equals(Jobs.of(rid).get(0).get("status")));
        JsonPath job = job(rid);
        assertTrue(job.getInt("attempts") >= 3, job.prettify());
        assertEquals(true, ckan.resource(rid).get("datastore_active"));
        assertEquals(md5(CSV), ckan.resource(rid).get("hash"));
        assertEquals(1, ckan.downloads(rid), "the retry never downloads again");
        assertEquals(oid, tableOid(rid), "the retry never touches the table");
        assertEquals(marker, tableComment(rid));
    }

    @Test
    void usedUpAttemptsParkTheEventAndFailTheJobUntilARetryByHand() throws Exception {
        String rid = resource(CSV);
        broker.purge("datapusher.metadata-parked");
        ckan.solrDown(true);
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");

        await().atMost(Duration.ofSeconds(40)).until(() -> "failed".equals(Jobs.of(rid).get(0).get("status")));
        JsonPath job = job(rid);
        assertTrue(job.getString("error").startsWith("the data is loaded, but CKAN's metadata is still not updated"),
                job.getString("error"));
        assertEquals(4, job.getInt("attempts"));
        assertTrue(broker.take("datapusher.metadata-parked", Duration.ofSeconds(5)).isPresent());
        assertEquals("2", IngestTestEnvironment.datastore().queryOne("SELECT count(*) FROM \"" + rid + "\""));

        ckan.solrDown(false);
        given().post("/api/jobs/" + job.getString("job_id") + "/retry-metadata").then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> "complete".equals(Jobs.of(rid).get(0).get("status")));
        assertEquals(true, ckan.resource(rid).get("datastore_active"));
    }

    @Test
    void aRetryOvertakenByANewerLoadIsSupersededAndTheNewerHashWins() throws Exception {
        String rid = resource(CSV);
        ckan.solrDown(true);
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        assertEquals("metadata_pending", Jobs.awaitEnded(rid).getString("status"));
        String newer = CSV + "Linus,3\n";
        ckan.replaceFile(rid, newer.getBytes(StandardCharsets.UTF_8));
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> Jobs.of(rid).size() == 2
                && "metadata_pending".equals(Jobs.of(rid).get(0).get("status")));

        int failedPatches = ckan.patches().size();
        ckan.solrDown(false);
        await().atMost(Duration.ofSeconds(30)).until(() -> "complete".equals(Jobs.of(rid).get(0).get("status"))
                && "superseded".equals(Jobs.of(rid).get(1).get("status")));
        assertEquals(md5(newer), ckan.resource(rid).get("hash"));
        List<Map<String, Object>> accepted = ckan.patches().subList(failedPatches, ckan.patches().size());
        assertTrue(accepted.stream().noneMatch(p -> md5(CSV).equals(p.get("hash"))),
                "the old file's hash never reached CKAN once it could accept it: " + accepted);
        assertEquals("3", IngestTestEnvironment.datastore().queryOne("SELECT count(*) FROM \"" + rid + "\""));
    }

    /** As INGEST_JOB_TIMEOUT once left a job that passed it after its swap: failed, its load not written down. */
    @Test
    void aJobCutShortAfterItsSwapIsFinishedByARetryByHand() throws Exception {
        String rid = resource(CSV);
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        JsonPath done = Jobs.awaitEnded(rid);
        assertEquals("complete", done.getString("status"));
        String jobId = done.getString("job_id");
        String nameIndex = IngestTestEnvironment.datastore().queryOne("SELECT indexname FROM pg_indexes WHERE tablename = '"
                + rid + "' AND indexdef LIKE '%to_tsvector(%name%'");
        String definition = IngestTestEnvironment.datastore().queryOne("SELECT indexdef FROM pg_indexes WHERE indexname = '"
                + nameIndex + "'");
        String using = definition.substring(definition.indexOf(" USING ") + 1);
        String marker = tableComment(rid);
        IngestTestEnvironment.datastore().writerExecute("DROP INDEX \"" + nameIndex + "\"",
                "COMMENT ON TABLE \"" + rid + "\" IS '" + marker.replace("}}", ",\"pending_indexes\":{\"" + nameIndex
                        + "\":\"" + using.replace("\"", "\\\"") + "\"}}}").replace("'", "''") + "'");
        IngestTestEnvironment.jobsExecute("UPDATE ingest_job SET status = 'failed', loaded_at = NULL, live_at = NULL, "
                + "error = 'the job ran longer than INGEST_JOB_TIMEOUT (PT1M)' WHERE job_id = '" + jobId + "'");
        int patched = ckan.patches().size();

        given().post("/api/jobs/" + jobId + "/retry-metadata").then().statusCode(202);

        await().atMost(Duration.ofSeconds(20)).until(() -> "complete".equals(Jobs.of(rid).get(0).get("status")));
        JsonPath job = job(rid);
        assertTrue(job.getString("live_at") != null, job.prettify());
        assertEquals(definition, IngestTestEnvironment.datastore().queryOne("SELECT indexdef FROM pg_indexes WHERE indexname = '"
                + nameIndex + "'"));
        assertTrue(!tableComment(rid).contains("pending_indexes"), tableComment(rid));
        assertEquals(patched + 1, ckan.patches().size(), "CKAN is told the data is live");
    }

    @Test
    void aJobRedeliveredAfterItsLoadCommittedOnlyUpdatesMetadata() throws Exception {
        String rid = resource(CSV);
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        JsonPath done = Jobs.awaitEnded(rid);
        assertEquals("complete", done.getString("status"));
        String jobId = done.getString("job_id");
        String oid = tableOid(rid);
        // "complete" is written before the delivery's follow-up (default views) and ack: rewriting the
        // row while that follow-up still writes it would have the follow-up put "complete" back.
        await().atMost(Duration.ofSeconds(20)).until(() -> !running.runsHere(UUID.fromString(jobId)));
        // The process died right after the commit, before the job row said so. The version moves on
        // as any write of the row moves it, so a stale write of it fails instead of undoing this.
        IngestTestEnvironment.jobsExecute("UPDATE ingest_job SET status = 'running', loaded_at = NULL, finished_at = NULL, "
                + "heartbeat_at = now() - interval '1 hour', version = version + 1 WHERE job_id = '" + jobId + "'");
        ckan.solrDown(false);

        broker.publishToQueue("{\"resource_id\": \"" + rid + "\", \"job_id\": \"" + jobId + "\"}");
        await().atMost(Duration.ofSeconds(20)).until(() -> "complete".equals(Jobs.of(rid).get(0).get("status")));
        assertEquals(1, ckan.downloads(rid), "no second download");
        assertEquals(oid, tableOid(rid), "no second load");
        assertEquals(2, ckan.patches().size(), "update-metadata ran again");
        List<String> steps = job(rid).getList("steps.step");
        assertEquals("update-metadata", steps.get(steps.size() - 1));
    }

    @Test
    void aDuplicateOfAFinishedJobIsAckedWithoutWork() throws Exception {
        String rid = resource(CSV);
        String jobId = UUID.randomUUID().toString();
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\", \"job_id\": \"" + jobId + "\"}");
        assertEquals("complete", Jobs.awaitEnded(rid).getString("status"));

        broker.publishToQueue("{\"resource_id\": \"" + rid + "\", \"job_id\": \"" + jobId + "\"}");
        String marker = UUID.randomUUID().toString();
        String other = resource(CSV);
        broker.publishToQueue("{\"resource_id\": \"" + other + "\"}");
        Jobs.awaitEnded(other);
        assertEquals(1, Jobs.of(rid).size(), marker);
        assertEquals(1, ckan.downloads(rid));
    }

    @Test
    void aJobWhoseWorkerWentSilentGoesBackToQueued() throws Exception {
        String rid = UUID.randomUUID().toString();
        String jobId = UUID.randomUUID().toString();
        IngestTestEnvironment.jobsExecute("INSERT INTO ingest_job (job_id, resource_id, status, created_at, updated_at, "
                + "worker_id, heartbeat_at) VALUES ('" + jobId + "', '" + rid + "', 'running', now(), now(), 'gone-1234', "
                + "now() - interval '1 hour')");

        await().atMost(Duration.ofSeconds(20)).until(() -> "queued".equals(Jobs.of(rid).get(0).get("status")));
    }

    // ---------------------------------------------------------------- helpers

    private String resource(String csv) {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, csv.getBytes(StandardCharsets.UTF_8), "CSV");
        return rid;
    }

    private static JsonPath job(String rid) {
        Map<String, Object> newest = Jobs.of(rid).get(0);
        return new JsonPath(given().get("/api/jobs/" + newest.get("job_id")).asString());
    }

    private static String tableOid(String rid) throws Exception {
        return IngestTestEnvironment.datastore().queryOne("SELECT '\"" + rid + "\"'::regclass::oid");
    }

    private static String tableComment(String rid) throws Exception {
        return IngestTestEnvironment.datastore().queryOne("SELECT obj_description('\"" + rid + "\"'::regclass, 'pg_class')");
    }

    private static String md5(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
