package io.datapusher.worker.it;

import io.datapusher.worker.testsupport.EndToEndTest;
import io.datapusher.worker.testsupport.IngestTestEnvironment;
import io.datapusher.worker.testsupport.Jobs;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which job of a resource is newer is decided by the jobs database's clock, never by the clock of
 * the replica that created the job: two replicas whose clocks disagree must still order their
 * jobs as they were created. The database's stamp is the one the load records and compares.
 */
@QuarkusTest
class JobOrderTest extends EndToEndTest {

    @Test
    void aJobIsStampedByTheJobsDatabaseAndItsLoadRecordsThatStamp() throws Exception {
        String rid = UUID.randomUUID().toString();
        String suffix = rid.substring(0, 8);
        // The jobs database's clock says 2001 for this resource's jobs, whatever the replica's clock says.
        IngestTestEnvironment.jobsExecute("CREATE FUNCTION \"db_clock_" + suffix + "\"() RETURNS trigger LANGUAGE plpgsql AS "
                + "$$ BEGIN NEW.created_at := TIMESTAMPTZ '2001-02-03 04:05:06+00'; RETURN NEW; END $$");
        IngestTestEnvironment.jobsExecute("CREATE TRIGGER \"db_clock_" + suffix + "\" BEFORE INSERT ON ingest_job FOR EACH ROW"
                + " WHEN (NEW.resource_id = '" + rid + "') EXECUTE FUNCTION \"db_clock_" + suffix + "\"()");
        try {
            ckan.addResource(rid, "name\nAda\n".getBytes(StandardCharsets.UTF_8), "CSV");
            broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");

            assertEquals("complete", Jobs.awaitEnded(rid).getString("status"));
            String marker = datastore().queryOne("SELECT obj_description('\"" + rid + "\"'::regclass, 'pg_class')");
            assertTrue(marker.contains("\"job_created_at\":\"2001-02-03T04:05:06Z\""), marker);
        } finally {
            IngestTestEnvironment.jobsExecute("DROP TRIGGER \"db_clock_" + suffix + "\" ON ingest_job");
            IngestTestEnvironment.jobsExecute("DROP FUNCTION \"db_clock_" + suffix + "\"()");
        }
    }
}
