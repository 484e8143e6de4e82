package io.datapusher.worker.it;

import io.datapusher.worker.testsupport.EndToEndTest;
import io.datapusher.worker.testsupport.IngestTestEnvironment;
import io.datapusher.worker.testsupport.Jobs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The jobs database refuses the write that ends a job, after its data went live (a connection lost
 * at the wrong instant). The message goes back to the broker naming that job, so the next round
 * finishes it, rather than starting a second job beside one left running.
 */
@QuarkusTest
@DisplayName("A job whose end could not be written is finished by the next round, not doubled")
class JobEndNotWrittenTest extends EndToEndTest {

    @Test
    void theHandedBackMessageResumesTheSameJob() throws Exception {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, "name,amount\nAda,12\nGrace,7\n".getBytes(StandardCharsets.UTF_8), "CSV");
        String guard = "refuse_end_" + rid.replace("-", "").substring(0, 12);
        // nextval is not rolled back with the failed transaction, so the refusal happens exactly once
        IngestTestEnvironment.jobsExecute("CREATE SEQUENCE " + guard + ";"
                + "CREATE FUNCTION " + guard + "() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                + "IF NEW.resource_id = '" + rid + "' AND NEW.status = 'complete' AND nextval('" + guard + "') = 1 THEN "
                + "RAISE EXCEPTION 'connection lost (simulated)'; END IF; RETURN NEW; END $$;"
                + "CREATE TRIGGER " + guard + " BEFORE UPDATE ON ingest_job FOR EACH ROW EXECUTE FUNCTION " + guard + "();");
        try {
            broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
            JsonPath job = Jobs.awaitEnded(rid);

            assertEquals("complete", job.getString("status"), job.prettify());
            assertEquals(1, Jobs.of(rid).size(), "one job, resumed past its load: " + Jobs.of(rid));
            assertEquals("2", datastore().queryOne("SELECT count(*) FROM \"" + rid + "\""), "the rows are live");
        } finally {
            IngestTestEnvironment.jobsExecute("DROP TRIGGER " + guard + " ON ingest_job; DROP FUNCTION " + guard + "();"
                    + "DROP SEQUENCE " + guard + ";");
        }
    }
}
