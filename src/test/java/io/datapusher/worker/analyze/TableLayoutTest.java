package io.datapusher.worker.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Table layout: title rows, skip-rows override, widened headers, quarantined wide rows, runaway quotes")
class TableLayoutTest {

    @TempDir
    Path dir;

    private static final String TITLED = """
            Pupils per school,,,
            "Source: Ministry, 2021",,,
            ,,,
            school,town,pupils,teachers
            North High,Leeds,812,40
            South High,York,640,35
            """;

    @Test
    void titleRowsBeforeTheHeaderAreSkippedAndReported() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, TITLED);
        assertEquals(List.of("school", "town", "pupils", "teachers"), Fixtures.ids(analysis));
        assertEquals(2, analysis.rows());
        assertEquals(ColumnType.INTEGER, Fixtures.column(analysis, "pupils").inferredType());
        assertTrue(analysis.warnings().contains("lines 1, 2 look like a title and were not loaded; the header is line 4 "
                + "(the resource extra datapusher_skip_rows overrides this)"), analysis.warnings().toString());
    }

    @Test
    void skipRowsOverridesTheGuessCountingLines() throws Exception {
        AnalysisOptions skipOne = AnalysisOptions.DEFAULTS.withSkipRows(Optional.of(1));
        Analysis analysis = Fixtures.analyze(dir, TITLED, skipOne);
        assertEquals("Source: Ministry, 2021", analysis.columns().get(0).label(), "no guessing once overridden");
        Analysis none = Fixtures.analyze(dir, "a,b,c\n1,2,3\n", AnalysisOptions.DEFAULTS.withSkipRows(Optional.of(0)));
        assertEquals(List.of("a", "b", "c"), Fixtures.ids(none));
    }

    @Test
    void skippingEveryLineIsAClearError() {
        AnalysisException e = assertThrows(AnalysisException.class,
                () -> Fixtures.analyze(dir, "a,b\n1,2\n", AnalysisOptions.DEFAULTS.withSkipRows(Optional.of(5))));
        assertEquals("the file has no header row after the first 5 lines (datapusher_skip_rows)", e.getMessage());
    }

    @Test
    void narrowTablesHaveNoTitleRows() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "name\nAda\nGrace\n");
        assertEquals(List.of("name"), Fixtures.ids(analysis));
        Analysis twoColumns = Fixtures.analyze(dir, "name,\nAda,1\nGrace,2\n");
        assertEquals("name", twoColumns.columns().get(0).id());
    }

    @Test
    void aHeaderNarrowerThanMostRowsIsWidenedWithBlankHeaders() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "month,mean\n2021-01,1,0.5\n2021-02,2,0.25\n2021-03,3\n");
        assertEquals(List.of("month", "mean", "unnamed"), Fixtures.ids(analysis));
        assertEquals("\"2021-01-01\",\"1\",\"0.5\"\n\"2021-02-01\",\"2\",\"0.25\"\n\"2021-03-01\",\"3\",\n",
                Fixtures.copyText(analysis));
        assertTrue(analysis.warnings().contains("the header has 2 cells but most rows have 3, so the table has 3 columns"));
    }

    @Test
    void aFewRowsWiderThanTheTableAreQuarantinedNotShifted() throws Exception {
        StringBuilder csv = new StringBuilder("a,b\n");
        for (int i = 0; i < 40; i++) {
            csv.append(i).append(",x\n");
        }
        csv.append("41,x,surplus\n");
        Analysis analysis = Fixtures.analyze(dir, csv.toString());
        assertEquals(40, analysis.rows());
        assertTrue(analysis.warnings().contains("1 of 41 records (2.4%) have more cells than the table's 2 columns "
                + "(line 42); they were quarantined (not loaded) so that no value lands in the wrong column"),
                analysis.warnings().toString());
        assertEquals(40, Fixtures.copyText(analysis).lines().count());
    }

    @Test
    void tooManyQuarantinedRowsFailTheAnalysisAtTheConfiguredPercent() throws Exception {
        String csv = "a,b\n1,2\n3,4\n5,6\n7,8,9\n";
        AnalysisException e = assertThrows(AnalysisException.class, () -> Fixtures.analyze(dir, csv));
        assertTrue(e.getMessage().startsWith("1 of 4 records (25.0%) have more cells than the table's 2 columns (line 5)"),
                e.getMessage());
        Analysis lenient = Fixtures.analyze(dir, csv, AnalysisOptions.DEFAULTS.withMaxQuarantinePercent(30));
        assertEquals(3, lenient.rows());
    }

    @Test
    void aRunawayQuoteIsAWarningNamingTheLineWhereItOpened() throws Exception {
        StringBuilder csv = new StringBuilder("id;name;town;zip\n1;Alpha;Rome;00100\n2;\"Beta;Milan;20100\n");
        for (int i = 3; i < 12; i++) {
            csv.append(i).append(";Name ").append(i).append(";Town;").append(10000 + i).append('\n');
        }
        csv.append("12;Gamma\";Turin;10100\n13;Delta;Bari;70100\n");
        Analysis analysis = Fixtures.analyze(dir, csv.toString());
        assertEquals(3, analysis.rows(), "the swallowed lines are one cell, as any CSV reader would read them");
        assertTrue(analysis.warnings().stream().anyMatch(w -> w.startsWith(
                "line 3: a quote opened in cell 2 is not closed until line 13")), analysis.warnings().toString());
    }

    @Test
    void aLongCellWithAFewRealNewlinesIsNotAWarning() throws Exception {
        String prose = "First paragraph, with a comma.\nSecond one.\n\nThird, after a blank line.\nFourth.\nFifth.\nSixth.";
        Analysis analysis = Fixtures.analyze(dir, "id,notes,score\n1,\"" + prose + "\",3\n2,short,4\n");
        assertEquals(2, analysis.rows());
        assertTrue(analysis.warnings().isEmpty(), analysis.warnings().toString());
    }
}
