package io.datapusher.worker.it;

import io.datapusher.worker.testsupport.EndToEndTest;
import io.datapusher.worker.testsupport.IngestTestEnvironment;
import io.datapusher.worker.testsupport.Jobs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The clean real-world files of {@code ../shared/samples} load through the whole service with the
 * row counts of their MANIFEST ("non-blank" data rows), read in place and never copied.
 */
@QuarkusTest
class SampleIngestTest extends EndToEndTest {

    private static final Path SAMPLES = Path.of("../shared/samples");

    @BeforeAll
    static void requireSamples() {
        assumeTrue(Files.isDirectory(SAMPLES), "../shared/samples is absent; the sample files are not part of the project");
    }

    @ParameterizedTest(name = "{0} loads {1} rows in {2} columns")
    @CsvSource({
            "datasets_covid19_countries-aggregated.csv, 112320, 5",
            "datasets_country-codes.csv, 249, 56",
            "xloader_boston_311_sample.csv, 3, 29",
            "xloader_brazilian_sample.csv, 10, 95",
            "xloader_german_sample.csv, 7, 10",
            "xloader_column_names.csv, 6, 3",
            "messytables_example.tsv, 140, 17",
            "csvkit_mac_newlines.csv, 2, 3",
            "dpp_safenames_emoji.csv, 1, 4",
    })
    void loadsWithTheManifestRowCount(String file, long rows, int columns) throws Exception {
        String rid = UUID.randomUUID().toString();
        String format = file.endsWith(".tsv") ? "TSV" : "CSV";
        ckan.addResource(rid, Files.readAllBytes(SAMPLES.resolve(file)), format);

        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        JsonPath job = Jobs.awaitEnded(rid);

        assertEquals("complete", job.getString("status"), job.prettify());
        assertEquals(rows, job.getLong("rows"));
        var datastore = IngestTestEnvironment.datastore();
        assertEquals(String.valueOf(rows), datastore.queryOne("SELECT count(*) FROM \"" + rid + "\""));
        assertEquals(String.valueOf(columns + 2), datastore.queryOne(
                "SELECT count(*) FROM information_schema.columns WHERE table_name = '" + rid + "'"));
        assertEquals("0", datastore.queryOne("SELECT count(*) FROM \"" + rid + "\" t WHERE t::text LIKE '%\uFFFD%'"));
        datastore.writerExecute("DROP TABLE \"" + rid + "\"");
    }
}
