package io.datapusher.worker.it;

import io.datapusher.worker.datastore.DatastoreLoader;
import io.datapusher.worker.testsupport.EndToEndTest;
import io.datapusher.worker.testsupport.Jobs;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A load of a resource that another load (of another replica) is running is not left waiting on
 * the resource's lock: its message is handed back with the redelivery backoff, the consumer runs
 * other jobs meanwhile, and once the other load ends the job runs and loads the file CKAN has then.
 */
@QuarkusTest
class BusyResourceTest extends EndToEndTest {

    @Test
    void aLoadOfABusyResourceIsHandedBackAndLoadsTheNewerFileOnceTheResourceIsFree() throws Exception {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, "name\nolder\n".getBytes(StandardCharsets.UTF_8), "CSV");
        try (Connection otherReplica = datastore().asWriter(); Statement st = otherReplica.createStatement()) {
            st.execute("SELECT pg_advisory_lock(" + DatastoreLoader.advisoryKey(rid) + ")");

            broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                List<Map<String, Object>> jobs = Jobs.of(rid);
                return !jobs.isEmpty() && "queued".equals(jobs.get(0).get("status"))
                        && String.valueOf(jobs.get(0).get("error")).contains("another load of this resource is running");
            });
            String other = UUID.randomUUID().toString();
            ckan.addResource(other, "name\nelsewhere\n".getBytes(StandardCharsets.UTF_8), "CSV");
            broker.publishToQueue("{\"resource_id\": \"" + other + "\"}");
            assertEquals("complete", Jobs.awaitEnded(other).getString("status"), "another resource's job is not held up");

            // a file uploaded while the other load runs
            ckan.replaceFile(rid, "name\nnewer\nnewest\n".getBytes(StandardCharsets.UTF_8));
            // An attempt downloads before it asks for the lock, so one in flight now may hold the older
            // file. The job's attempts run one after another: once one downloads after the upload, none
            // that holds the older file is left.
            int seen = ckan.downloads(rid);
            await().atMost(Duration.ofSeconds(20)).until(() -> ckan.downloads(rid) > seen);
            st.execute("SELECT pg_advisory_unlock(" + DatastoreLoader.advisoryKey(rid) + ")");
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> "complete".equals(Jobs.of(rid).get(0).get("status")));
        assertEquals(1, Jobs.of(rid).size(), "the same job ran again");
        assertEquals(List.of("newer", "newest"), datastore().query("SELECT name FROM \"" + rid + "\" ORDER BY _id"));
        assertTrue(ckan.downloads(rid) >= 2, "downloaded again when it ran");
    }
}
