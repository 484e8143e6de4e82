package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.formats.CsvAnalyzer;
import io.datapusher.worker.testsupport.LoaderTestBase;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Issue 4 end to end: a messy file goes through the analyzer and the real loader into PostgreSQL,
 * and the typed values there are what a person reads in the file (the COPY normaliser's output is
 * accepted by PostgreSQL and means the right thing).
 */
@DisplayName("Messy CSV loads into PostgreSQL with the values a person reads in the file")
class MessyCsvLoadTest extends LoaderTestBase {

    @TempDir
    Path dir;


    private LoadResult load(Analysis analysis) throws Exception {
        return loader.load(new LoadRequest(rid, "job-" + UUID.randomUUID(), "", analysis, CkanVersion.of(2, 11)));
    }

    private List<String> columnTypes() throws Exception {
        return db.query("SELECT attname || ' ' || format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '\""
                + rid + "\"'::regclass AND attnum > 0 AND NOT attisdropped AND attname NOT LIKE '\\_%' ORDER BY attnum");
    }

    @Test
    void aWindows1252DecimalCommaFileWithATitleDayFirstDatesZonesAndAFooter() throws Exception {
        String text = "Rapport des ventes;;;;\r\n"
                + ";;;;\r\n"
                + "Ville;Montant;Jour;Horodatage;Code\r\n"
                + "Orléans;1.234,5;25/12/2021;2021-12-25T10:00:00+01:00;007\r\n"
                + "Besançon;12,75;03/01/2022;2022-01-03 08:30:00Z;010\r\n"
                + "Rennes;-5;04/01/2022;2022-01-04T23:30:00-02:00;NA\r\n"
                + "Source : INSEE – données provisoires;;;;\r\n";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(text.getBytes(Charset.forName("windows-1252")));
        Path file = Files.write(dir.resolve("ventes.csv"), bytes.toByteArray());

        Analysis analysis = new CsvAnalyzer().analyze(file);
        LoadResult result = load(analysis);

        assertEquals(4, result.rows());
        assertEquals(List.of("Ville text", "Montant numeric", "Jour date", "Horodatage timestamp without time zone",
                "Code text"), columnTypes());
        assertEquals(List.of(
                        "1|Orléans|1234.5|2021-12-25|2021-12-25 09:00:00|007",
                        "2|Besançon|12.75|2022-01-03|2022-01-03 08:30:00|010",
                        "3|Rennes|-5|2022-01-04|2022-01-05 01:30:00|NA",
                        "4|Source : INSEE – données provisoires|<null>|<null>|<null>|<null>"),
                db.query("SELECT _id, \"Ville\", \"Montant\", \"Jour\", \"Horodatage\", \"Code\" FROM \"" + rid
                        + "\" ORDER BY _id"));
    }

    @Test
    void theExcelPastingSampleLoadsItsThousandsAsIntegers() throws Exception {
        Path sample = Path.of("../shared/samples/messytables_excel_pasting.csv");
        Assumptions.assumeTrue(Files.isRegularFile(sample), "../shared/samples is absent");
        LoadResult result = load(new CsvAnalyzer().analyze(sample));

        assertEquals(16, result.rows());
        assertEquals("Year text", columnTypes().get(0));
        assertEquals("2000 integer", columnTypes().get(1));
        assertEquals("120522", db.queryOne("SELECT \"2000\" FROM \"" + rid + "\" WHERE \"Year\" = 'Total'"));
        assertEquals("0", db.queryOne("SELECT count(*) FROM \"" + rid + "\" WHERE \"Year\" LIKE '%\uFFFD%'"));
    }
}
