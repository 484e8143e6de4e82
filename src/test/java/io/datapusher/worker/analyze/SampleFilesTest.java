package io.datapusher.worker.analyze;

import io.datapusher.worker.formats.CsvAnalyzer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real files from {@code ../shared/samples}, read in place (never copied into the repository).
 * Expected counts are the MANIFEST's non-blank data rows and its column counts.
 */
@DisplayName("Real sample files analyse to the MANIFEST's row and column counts")
class SampleFilesTest {

    private static final Path SAMPLES = Path.of("../shared/samples");

    @BeforeEach
    void samplesArePresent() {
        Assumptions.assumeTrue(Files.isDirectory(SAMPLES), "../shared/samples is absent");
    }

    private static Analysis analyze(String name) throws AnalysisException {
        Path file = SAMPLES.resolve(name);
        Assumptions.assumeTrue(Files.isRegularFile(file), name + " is absent");
        return new CsvAnalyzer().analyze(file);
    }

    @ParameterizedTest(name = "{0}: {1} rows, {2} columns, delimiter {3}")
    @CsvSource(delimiter = '|', value = {
            "datasets_covid19_countries-aggregated.csv|112320|5|,",
            "datasets_country-codes.csv|249|56|,",
            "xloader_boston_311_sample.csv|3|29|,",
            "xloader_brazilian_sample.csv|10|95|,",
            "xloader_german_sample.csv|7|10|;",
            "xloader_column_names.csv|6|3|,",
            "messytables_example.tsv|140|17|\\t",
            "csvkit_mac_newlines.csv|2|3|,",
            "dpp_safenames_emoji.csv|1|4|,",
    })
    void analysesWithTheExpectedShape(String name, long rows, int columns, String delimiter) throws Exception {
        Analysis analysis = analyze(name);
        assertEquals(rows, analysis.rows(), "rows");
        assertEquals(columns, analysis.columns().size(), "columns");
        assertEquals("csv, delimiter '" + delimiter + "'", analysis.format());
        assertEquals("UTF-8", analysis.encoding());

        List<String> ids = Fixtures.ids(analysis);
        assertEquals(ids.size(), new HashSet<>(ids).size(), "unique ids");
        ids.forEach(id -> assertTrue(HeaderSanitizer.isAcceptable(id), id));

        List<ColumnType> types = analysis.columns().stream().map(ColumnProfile::inferredType).toList();
        CountingWriter out = new CountingWriter();
        assertEquals(rows, analysis.rowStream().copyTo(out, types), "rows written");
        assertEquals(rows, out.lineBreaksOutsideQuotes, "records in the COPY text");
    }

    @Test
    void covid19TypesAreSensible() throws Exception {
        Analysis analysis = analyze("datasets_covid19_countries-aggregated.csv");
        assertEquals(List.of("Date", "Country", "Confirmed", "Recovered", "Deaths"), Fixtures.ids(analysis));
        assertEquals(ColumnType.DATE, Fixtures.column(analysis, "Date").inferredType());
        assertEquals(ColumnType.TEXT, Fixtures.column(analysis, "Country").inferredType());
        assertEquals(ColumnType.INTEGER, Fixtures.column(analysis, "Confirmed").inferredType());
        assertEquals(ColumnType.INTEGER, Fixtures.column(analysis, "Recovered").inferredType());
        assertEquals(ColumnType.INTEGER, Fixtures.column(analysis, "Deaths").inferredType());
    }

    @Test
    void germanHeadersKeepTheirUmlautsAndOnlyTheTooLongOneIsRenamed() throws Exception {
        Analysis analysis = analyze("xloader_german_sample.csv");
        List<String> labels = Fixtures.labels(analysis);
        List<String> ids = Fixtures.ids(analysis);
        assertEquals("Stadtname", labels.get(0));
        int renamed = 0;
        for (int i = 0; i < labels.size(); i++) {
            String label = labels.get(i);
            if (label.getBytes(StandardCharsets.UTF_8).length > 63) {
                renamed++;
                assertTrue(ids.get(i).getBytes(StandardCharsets.UTF_8).length <= 63, ids.get(i));
                assertTrue(ids.get(i).startsWith("Sch_ler_Sekundarstufe_II"), ids.get(i));
            } else {
                assertEquals(label, ids.get(i));
            }
        }
        assertEquals(1, renamed);
    }

    @Test
    void metacharacterHeadersAreKeptAsTheyAre() throws Exception {
        Analysis analysis = analyze("xloader_column_names.csv");
        assertEquals(List.of("d@t$e", "t^e&m*pe!r(a)t?u:r%%e", "p\\l/a[c{e%"), Fixtures.ids(analysis));
    }

    @Test
    void emojiHeadersAreKeptAndUnsafeOnesRewritten() throws Exception {
        Analysis analysis = analyze("dpp_safenames_emoji.csv");
        assertEquals(List.of("🦀 column", " col 1 ", "whitespace ", "\"quoted col\""), Fixtures.labels(analysis));
        assertEquals(List.of("🦀 column", "col_1", "whitespace", "quoted_col"), Fixtures.ids(analysis));
    }

    @Test
    void bostonKeepsItsNamedButEmptyColumnsAsText() throws Exception {
        Analysis analysis = analyze("xloader_boston_311_sample.csv");
        for (String id : List.of("closed_dt", "CLOSURE_REASON", "ClosedPhoto")) {
            ColumnProfile column = Fixtures.column(analysis, id);
            assertEquals(0, column.nonEmptyCount(), id);
            assertEquals(ColumnType.TEXT, column.inferredType(), id);
        }
        assertEquals(ColumnType.TIMESTAMP, Fixtures.column(analysis, "open_dt").inferredType());
    }

    @Test
    void macNewlinesKeepTheCarriageReturnInsideTheQuotedCell() throws Exception {
        Analysis analysis = analyze("csvkit_mac_newlines.csv");
        assertEquals(List.of("a", "b", "c"), Fixtures.ids(analysis));
        assertTrue(Fixtures.copyText(analysis).contains("\r"), "the quoted CR survives");
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', value = {
            "xloader_non_utf8_sample.csv|windows-1252|266",
            "frictionless_issue-811.csv|windows-1252|7904",
            "messytables_211.csv|ISO-8859-1|2132",
            "messytables_utf-16le_encoded.csv|UTF-16LE|327",
            "xloader_no_entries.csv|UTF-8|0",
    })
    void nonUtf8SamplesAreDecodedWithTheirEncoding(String name, String encoding, long rows) throws Exception {
        Analysis analysis = analyze(name);
        assertEquals(encoding, analysis.encoding());
        assertEquals(rows, analysis.rows());
        analysis.columns().forEach(c -> assertFalse(c.label().contains("\uFEFF") || c.label().contains("\uFFFD"), c.label()));
    }

    @Test
    void theNonUtf8SampleKeepsItsAccentedLetter() throws Exception {
        Analysis analysis = analyze("xloader_non_utf8_sample.csv");
        assertTrue(Fixtures.copyText(analysis).contains("Ú"), "0xDA is Ú in Windows-1252");
    }

    @Test
    @DisplayName("a quote left open on line 35 swallows 68 lines: the load completes, and a warning names line 35")
    void anUnbalancedQuoteIsReportedInsteadOfSilentlySwallowingLines() throws Exception {
        Analysis analysis = analyze("frictionless_issue-1066.csv");
        assertEquals(21_624, analysis.rows());
        assertTrue(analysis.warnings().stream().anyMatch(w -> w.startsWith("line 35: a quote opened in cell 2 "
                + "is not closed until line 103")), analysis.warnings().toString());
    }

    @Test
    void theItalianNaProvinceIsAValueNotANull() throws Exception {
        Analysis analysis = analyze("frictionless_issue-811.csv");
        assertTrue(Fixtures.copyText(analysis).contains("\"NA\""));
    }

    @Test
    void excelPastingSkipsItsTitleAndKeepsItsFootersAndThousands() throws Exception {
        Analysis analysis = analyze("messytables_excel_pasting.csv");
        assertEquals(List.of("Year", "2000", "2001", "2002", "2003", "2004", "2005", "2006", "2007"), Fixtures.ids(analysis));
        assertEquals(16, analysis.rows());
        assertEquals(ColumnType.TEXT, Fixtures.column(analysis, "Year").inferredType());
        assertEquals(ColumnType.INTEGER, Fixtures.column(analysis, "2000").inferredType());
        String copy = Fixtures.copyText(analysis);
        assertTrue(copy.startsWith("\"Timber\",\"2666\",\"2274\""), copy);
        assertTrue(copy.contains("\"Source: Office for National Statistics.\",,,,,,,,\n"), copy);
    }

    @Test
    void co2HeaderIsWidenedToTheSevenCellsOfEveryRow() throws Exception {
        Analysis analysis = analyze("datasets_co2-mm-mlo.csv");
        assertEquals(7, analysis.columns().size());
        assertEquals(820, analysis.rows());
        assertEquals("unnamed", analysis.columns().get(6).id());
        assertEquals(ColumnType.DATE, analysis.columns().get(0).inferredType(), "YYYY-MM is a month");
    }

    /** Counts COPY records without keeping the text: the big sample would be 4 MB. */
    private static final class CountingWriter extends Writer {
        long lineBreaksOutsideQuotes;
        private boolean inQuotes;

        @Override
        public void write(char[] buf, int off, int len) {
            for (int i = off; i < off + len; i++) {
                char c = buf[i];
                if (c == '"') {
                    inQuotes = !inQuotes;
                } else if (c == '\n' && !inQuotes) {
                    lineBreaksOutsideQuotes++;
                }
            }
        }

        @Override
        public void flush() throws IOException {
        }

        @Override
        public void close() throws IOException {
        }
    }
}
