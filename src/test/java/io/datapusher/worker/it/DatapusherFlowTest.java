package io.datapusher.worker.it;

import io.datapusher.worker.testsupport.CatalogSnapshot;
import io.datapusher.worker.testsupport.EndToEndTest;
import io.datapusher.worker.testsupport.IngestTestEnvironment;
import io.datapusher.worker.testsupport.Jobs;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A stock CKAN drives the worker: the CKAN fake plays CKAN's own datapusher plugin (its submit,
 * its task row, its datapusher_hook and its DataStore tab), and the worker answers as the
 * DataPusher service. Every load still runs through the broker and the saga.
 */
@QuarkusTest
class DatapusherFlowTest extends EndToEndTest {

    private static final String CSV = "name,amount\nAda,12\nGrace,7\n";
    private static final Duration LONG = Duration.ofSeconds(60);

    @TestHTTPResource("/")
    URL worker;

    @BeforeEach
    void pointCkansPluginAtTheWorker() {
        ckan.datapusherUrl(worker.toString());
    }

    @Test
    void aSubmittedResourceLoadsAndCkansTaskEndsCompleteWithTheLogOnItsDataStoreTab() throws Exception {
        String rid = resource(CSV);

        assertTrue(ckan.datapusherSubmit(rid, false).submitted());
        awaitTask(rid, "complete");

        assertEquals("2", datastore().queryOne("SELECT count(*) FROM \"" + rid + "\""));
        Map<String, Object> hook = ckan.hooks().get(0);
        assertEquals("complete", hook.get("status"));
        assertEquals(ckan.token(), ckan.requests("datapusher_hook").get(0).header("Authorization"));
        Map<String, Object> sent = metadata(hook);
        assertEquals(rid, sent.get("resource_id"));
        assertNotNull(sent.get("task_created"), "the submitted metadata is echoed back unchanged");
        assertEquals(ckan.fileUrl(rid), sent.get("original_url"));
        assertEquals(List.of("datatables_view"), ckan.views(rid), "CKAN's own hook makes the default views");
        assertTrue(ckan.requests("resource_create_default_resource_views").isEmpty(), "so the worker does not");

        Map<String, Object> tab = ckan.datapusherStatus(rid);
        assertEquals("complete", tab.get("status"));
        List<Map<String, Object>> logs = logs(tab);
        assertTrue(logs.stream().anyMatch(l -> l.get("message").toString().startsWith("load: 2 rows loaded")), logs.toString());
        assertTrue(logs.stream().allMatch(l -> "INFO".equals(l.get("level"))), logs.toString());
    }

    @Test
    void aFailedJobTellsCkanErrorAndItsTabShowsWhy() {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, "<!doctype html><html><body>Please log in</body></html>".getBytes(StandardCharsets.UTF_8), "CSV");

        ckan.datapusherSubmit(rid, false);
        awaitTask(rid, "error");

        Map<String, Object> tab = ckan.datapusherStatus(rid);
        @SuppressWarnings("unchecked")
        Map<String, Object> info = (Map<String, Object>) tab.get("task_info");
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) info.get("error");
        assertTrue(error.get("message").toString().contains("HTML page"), error.toString());
        assertTrue(logs(tab).stream().anyMatch(l -> "ERROR".equals(l.get("level"))));
    }

    @Test
    void aFileThatIsNotATableEndsWithAClearErrorBeforeAnyDownload() {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(Map.of("id", rid, "format", "PDF", "name", "report.pdf"), "%PDF-1.7 ...".getBytes(StandardCharsets.UTF_8));

        ckan.datapusherSubmit(rid, true);
        awaitTask(rid, "error");

        JsonPath job = Jobs.awaitEnded(rid);
        assertEquals("failed", job.getString("status"));
        assertTrue(job.getString("error").startsWith("the resource's format is PDF; the worker loads CSV"), job.getString("error"));
        assertFalse(job.getString("error").contains("Exception"), "a sentence, never a stack trace");
        assertEquals(0, ckan.downloads(rid));
    }

    @Test
    void anUnchangedFileIsSkippedAndCkanIsToldComplete() throws Exception {
        String rid = resource(CSV);
        ckan.datapusherSubmit(rid, false);
        awaitTask(rid, "complete");

        ckan.datapusherSubmit(rid, false);
        await().atMost(LONG).until(() -> ckan.hooks().size() == 2);

        assertEquals("skipped", Jobs.of(rid).get(0).get("status"));
        assertEquals("complete", ckan.task(rid).get("state"));
    }

    @Test
    void aTableEditedThroughTheDataStoreApiIsNeverReloadedOnAnyPath() throws Exception {
        String rid = UUID.randomUUID().toString();
        datastore().writerExecute(
                "CREATE TABLE \"" + rid + "\" (\"_id\" serial primary key, \"_full_text\" tsvector, \"flag\" bool, \"n\" int8)",
                "INSERT INTO \"" + rid + "\" (flag, n) VALUES (true, 5), (false, 7)",
                "COMMENT ON COLUMN \"" + rid + "\".\"flag\" IS ' {\"_info\":{\"label\":\"Flag\"}}'");
        ckan.addResource(Map.of("id", rid, "url_type", "datastore", "format", "CSV",
                "url", ckan.baseUrl() + "/datastore/dump/" + rid), "flag,n\nTrue,5\nFalse,7\n".getBytes(StandardCharsets.UTF_8));
        String before = CatalogSnapshot.of(datastore(), rid);

        broker.publishToQueue("{\"resource_id\": \"" + rid + "\", \"ignore_hash\": true}");
        JsonPath queued = Jobs.awaitEnded(rid);
        ckan.datapusherSubmit(rid, true);
        awaitTask(rid, "complete");

        assertEquals("skipped", queued.getString("status"));
        assertTrue(queued.getString("error").contains("edited through the DataStore API"), queued.getString("error"));
        assertEquals("skipped", Jobs.of(rid).get(0).get("status"));
        assertEquals(before, CatalogSnapshot.of(datastore(), rid));
        assertEquals(0, ckan.downloads(rid));
        assertTrue(ckan.patches().isEmpty());
    }

    @Test
    void withSolrDownTheDataGoesLiveTheTaskStaysPendingAndEndsCompleteOnceSolrIsBack() throws Exception {
        String rid = resource(CSV);
        ckan.solrDown(true);

        ckan.datapusherSubmit(rid, false);
        await().atMost(LONG).until(() -> "metadata_pending".equals(Jobs.of(rid).get(0).get("status")));
        assertEquals("2", datastore().queryOne("SELECT count(*) FROM \"" + rid + "\""), "the data is live");
        assertEquals("pending", ckan.task(rid).get("state"));
        assertTrue(ckan.hooks().isEmpty(), "no final word while CKAN's metadata is missing");
        assertTrue(logs(ckan.datapusherStatus(rid)).stream().anyMatch(l -> "WARNING".equals(l.get("level"))
                && l.get("message").toString().startsWith("The data is live in the DataStore")));

        ckan.solrDown(false);
        awaitTask(rid, "complete");
        assertEquals("complete", Jobs.of(rid).get(0).get("status"));
        assertEquals(true, ckan.resource(rid).get("datastore_active"));
        assertEquals(1, ckan.hooks().size());
    }

    @Test
    void aCallbackCkanCannotTakeYetIsRetriedUntilItIsDelivered() throws Exception {
        String rid = resource(CSV);
        // one round is the call and its three in-process retries; the second round fails once more
        ckan.failNext("datapusher_hook", 503, 5);

        ckan.datapusherSubmit(rid, false);
        awaitTask(rid, "complete");

        await().atMost(LONG).until(() -> "sent".equals(Jobs.of(rid).get(0).get("callback")));
        assertEquals(6, ckan.requests("datapusher_hook").size());
    }

    @Test
    void ckansHookMaySubmitAgainBeforeItAnswersTheCallback() throws Exception {
        String rid = resource(CSV);
        String newer = CSV + "Linus,3\n";
        // a curator uploads a new file while the first job runs: CKAN's hook sees it and resubmits
        ckan.onNextHook(id -> ckan.replaceFile(id, newer.getBytes(StandardCharsets.UTF_8)));

        ckan.datapusherSubmit(rid, false);

        await().atMost(LONG).until(() -> ckan.hooks().size() == 2);
        awaitTask(rid, "complete");
        assertEquals(2, Jobs.of(rid).size());
        assertEquals("3", datastore().queryOne("SELECT count(*) FROM \"" + rid + "\""), "the newer file is live");
    }

    @Test
    void anOlderJobsOutcomeNeverOverwritesTheTaskOfANewerOne() throws Exception {
        String rid = resource(CSV);
        // the older job meets a CKAN blip and goes back to the queue, behind a newer submission
        ckan.failNext("resource_show", 503, 4);
        ckan.datapusherSubmit(rid, false);
        ckan.ageTask(rid, Duration.ofHours(2));
        ckan.replaceFile(rid, (CSV + "Linus,3\n").getBytes(StandardCharsets.UTF_8));
        assertTrue(ckan.datapusherSubmit(rid, false).submitted());

        await().atMost(LONG).until(() -> Jobs.of(rid).size() == 2
                && Jobs.of(rid).stream().noneMatch(j -> "pending".equals(j.get("callback"))));
        Map<String, Object> newer = Jobs.of(rid).get(0);
        Map<String, Object> older = Jobs.of(rid).get(1);

        assertEquals("complete", newer.get("status"));
        assertEquals("sent", newer.get("callback"));
        // it downloads the newer file too: unchanged by then, or overtaken; either way CKAN hears nothing of it
        assertTrue(List.of("skipped", "superseded").contains(older.get("status")), older.toString());
        assertEquals("skipped", older.get("callback"));
        assertEquals(1, ckan.hooks().size());
        assertEquals(newer.get("job_id"), ckan.hooks().get(0).get("job_id"));
        assertEquals("complete", ckan.task(rid).get("state"));
        assertEquals("3", datastore().queryOne("SELECT count(*) FROM \"" + rid + "\""), "the newer file stays live");
    }

    @Test
    void aCallbackStillOwedWhenTheWorkerDiedIsSentWhenTheMessageComesBack() throws Exception {
        String rid = resource(CSV);
        ckan.datapusherSubmit(rid, false);
        awaitTask(rid, "complete");
        String jobId = Jobs.of(rid).get(0).get("job_id").toString();
        // as if the process had died after writing the outcome and before the callback went out
        IngestTestEnvironment.jobsExecute("UPDATE ingest_job SET callback_state = 'pending' WHERE job_id = '" + jobId + "'");

        broker.publishToQueue("{\"resource_id\": \"" + rid + "\", \"job_id\": \"" + jobId + "\"}");

        await().atMost(LONG).until(() -> "sent".equals(Jobs.of(rid).get(0).get("callback")));
        assertEquals(2, ckan.hooks().size());
        assertEquals(1, Jobs.of(rid).size(), "no job runs again");
        assertEquals(1, ckan.downloads(rid));
    }

    @Test
    void aFirstLoadFromTheQueueGetsCkansDefaultViewsAndAReloadDoesNotAskAgain() throws Exception {
        String rid = resource(CSV);

        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        assertEquals("complete", Jobs.awaitEnded(rid).getString("status"));
        await().atMost(LONG).until(() -> ckan.views(rid).contains("datatables_view"));

        ckan.replaceFile(rid, (CSV + "Linus,3\n").getBytes(StandardCharsets.UTF_8));
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        await().atMost(LONG).until(() -> Jobs.of(rid).size() == 2 && "complete".equals(Jobs.of(rid).get(0).get("status")));
        assertEquals(1, ckan.requests("resource_create_default_resource_views").size());
    }

    private void awaitTask(String rid, String state) {
        await().atMost(LONG).pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<String, Object> task = ckan.task(rid);
            return task != null && state.equals(task.get("state"));
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metadata(Map<String, Object> hook) {
        return (Map<String, Object>) hook.get("metadata");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> logs(Map<String, Object> status) {
        return (List<Map<String, Object>>) ((Map<String, Object>) status.get("task_info")).get("logs");
    }

    private String resource(String csv) {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, csv.getBytes(StandardCharsets.UTF_8), "CSV");
        return rid;
    }
}
