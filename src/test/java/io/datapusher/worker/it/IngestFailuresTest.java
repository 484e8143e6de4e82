package io.datapusher.worker.it;

import io.datapusher.worker.testsupport.EndToEndTest;
import io.datapusher.worker.testsupport.IngestTestEnvironment;
import io.datapusher.worker.testsupport.Jobs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How each failure before the pivot ends (docs/how-a-job-runs.md, the steps): the job says what happened, nothing is loaded. */
@QuarkusTest
class IngestFailuresTest extends EndToEndTest {

    private static final String CSV = "name,amount\nAda,12\nGrace,7\n";

    @Test
    void anUnknownResourceFailsWithCkansMessage() throws Exception {
        String rid = UUID.randomUUID().toString();

        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        JsonPath job = Jobs.awaitEnded(rid);

        assertEquals("failed", job.getString("status"));
        assertEquals("fetch-resource", job.getString("step"));
        assertTrue(job.getString("error").contains("404") && job.getString("error").contains("Not Found Error"),
                job.getString("error"));
        assertFalse(tableExists(rid));
    }

    @Test
    void ckanDownAtFetchKeepsTheJobQueuedAndItCompletesOnceCkanIsBack() throws Exception {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, CSV.getBytes(StandardCharsets.UTF_8), "CSV");
        ckan.refuseConnections(true);
        try {
            broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                List<Map<String, Object>> jobs = Jobs.of(rid);
                return !jobs.isEmpty() && "queued".equals(jobs.get(0).get("status")) && jobs.get(0).get("error") != null;
            });
            assertTrue(((String) Jobs.of(rid).get(0).get("error")).contains("CKAN is unavailable"));
        } finally {
            ckan.refuseConnections(false);
        }
        JsonPath job = Jobs.awaitEnded(rid);
        assertEquals("complete", job.getString("status"), job.prettify());
        assertEquals(1, Jobs.of(rid).size(), "the redelivered message resumed the same job");
    }

    @Test
    void aDownloadAnswering404FailsAtOnce() throws Exception {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, CSV.getBytes(StandardCharsets.UTF_8), "CSV");
        ckan.downloadStatus(rid, 404);

        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        JsonPath job = Jobs.awaitEnded(rid);

        assertEquals("failed", job.getString("status"));
        assertEquals("download", job.getString("step"));
        assertTrue(job.getString("error").contains("HTTP 404"), job.getString("error"));
    }

    @Test
    void aUrlOnAPrivateAddressOutsideCkanIsRefusedWithoutConnecting() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket canary = new ServerSocket(0)) {
            Thread accepter = new Thread(() -> {
                try (Socket ignored = canary.accept()) {
                    connections.incrementAndGet();
                } catch (Exception closed) {
                    // the canary was closed by the test
                }
            });
            accepter.start();
            String rid = UUID.randomUUID().toString();
            Map<String, Object> resource = new HashMap<>();
            resource.put("id", rid);
            resource.put("format", "CSV");
            resource.put("url", "http://localhost:" + canary.getLocalPort() + "/data.csv");
            resource.put("url_type", null); // a link: an upload would be fetched from CKAN itself
            ckan.addResource(resource);

            broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
            JsonPath job = Jobs.awaitEnded(rid);

            assertEquals("failed", job.getString("status"));
            assertEquals("download", job.getString("step"));
            assertTrue(job.getString("error").contains("INGEST_DOWNLOAD_ALLOW_PRIVATE_NETWORKS"), job.getString("error"));
        }
        assertEquals(0, connections.get(), "the guard connected to the canary");
    }

    @Test
    void aLinkToAnotherDatasetsPrivateUploadIsFetchedAnonymouslyAndFailsAsNotPublic() throws Exception {
        String privateRid = UUID.randomUUID().toString();
        ckan.addResource(privateRid, "secret,salary\nAda,1\n".getBytes(StandardCharsets.UTF_8), "CSV");
        ckan.setPrivate(privateRid, true);
        for (String urlType : new String[] {null, "upload"}) {
            // an editor's resource in a public dataset, its URL another dataset's private file;
            // url_type "upload" is what an API caller may claim for any URL
            String rid = UUID.randomUUID().toString();
            Map<String, Object> resource = new HashMap<>();
            resource.put("id", rid);
            resource.put("format", "CSV");
            resource.put("url", ckan.fileUrl(privateRid));
            resource.put("url_type", urlType);
            ckan.addResource(resource);

            broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
            JsonPath job = Jobs.awaitEnded(rid);

            assertEquals("failed", job.getString("status"), String.valueOf(urlType));
            assertEquals("download", job.getString("step"));
            if (urlType == null) {
                assertTrue(job.getString("error").contains("not public"), job.getString("error"));
            } else {
                // CKAN shows a claimed upload under the resource's own download URL, where no file
                // was ever stored: it answers 500, as real CKAN 2.10 to 2.12 do
                assertTrue(job.getString("error").contains("HTTP 500"), job.getString("error"));
            }
            assertFalse(tableExists(rid), "the private rows reached the editor's table");
        }
    }

    @Test
    void aResourcePatchRefusalFailsSayingTheDataIsLoaded() throws Exception {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, CSV.getBytes(StandardCharsets.UTF_8), "CSV");
        ckan.failNext("resource_patch", 403, 1);

        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        JsonPath job = Jobs.awaitEnded(rid);

        assertEquals("failed", job.getString("status"));
        assertEquals("update-metadata", job.getString("step"));
        assertTrue(job.getString("error").startsWith("the data is loaded, but CKAN refused resource_patch"), job.getString("error"));
        assertTrue(tableExists(rid));
    }

    @Test
    void anUnsupportedFormatFailsWithAClearError() throws Exception {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, new byte[] {'P', 'K', 3, 4}, "XLSX");

        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        JsonPath job = Jobs.awaitEnded(rid);

        assertEquals("failed", job.getString("status"));
        assertEquals("analyze", job.getString("step"));
        assertTrue(job.getString("error").contains("XLSX"), job.getString("error"));
    }

    @Test
    void aLatin1FileLoadsThenAFileWithTooManyWideRowsFailsNamingThemAndKeepsTheOldTable() throws Exception {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, "name,amount\nJos\u00e9,1\nZo\u00eb,2\n".getBytes(StandardCharsets.ISO_8859_1), "CSV");
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        assertEquals("complete", Jobs.awaitEnded(rid).getString("status"));
        assertEquals("Jos\u00e9", IngestTestEnvironment.datastore().queryOne("SELECT name FROM \"" + rid + "\" WHERE amount = 1"));

        ckan.replaceFile(rid, "name,amount\nAda,1\nGrace,2,surplus\n".getBytes(StandardCharsets.UTF_8));
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> Jobs.of(rid).size() == 2);
        JsonPath job = Jobs.awaitEnded(rid);

        assertEquals("failed", job.getString("status"));
        assertTrue(job.getString("error").contains("have more cells than the table's 2 columns (line 3)"), job.getString("error"));
        assertEquals("2", IngestTestEnvironment.datastore().queryOne("SELECT count(*) FROM \"" + rid + "\""));
    }

    private static boolean tableExists(String rid) throws Exception {
        return "1".equals(IngestTestEnvironment.datastore().queryOne(
                "SELECT count(*) FROM pg_class WHERE relname = '" + rid + "' AND relkind = 'r'"));
    }
}
