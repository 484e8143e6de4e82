package io.datapusher.worker.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Rows: every record with a value is a row; empty records are skipped; ragged rows")
class RowsTest {

    @TempDir
    Path dir;

    @Test
    void blankLinesAndRecordsOfEmptyCellsAreSkippedAndNotCounted() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "a,b,c\n1,2,3\n\n,,\n  ,\t, \n,,,,\n4,5,6\n\n");
        assertEquals(2, analysis.rows());
        assertEquals("\"1\",\"2\",\"3\"\n\"4\",\"5\",\"6\"\n", Fixtures.copyText(analysis));
    }

    @Test
    void footersAreRowsToo() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "region,amount\nNorth,1\nSouth,2\nTotal,3\nSource: somewhere,\n");
        assertEquals(4, analysis.rows());
    }

    @Test
    void blankRecordsBeforeTheHeaderAreSkipped() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "\n,,\na,b\n1,2\n");
        assertEquals(List.of("a", "b"), Fixtures.ids(analysis));
        assertEquals(1, analysis.rows());
    }

    @Test
    void aHeaderOnlyFileHasNoRowsAndTextColumns() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "OBJECTID,NAME");
        assertEquals(0, analysis.rows());
        assertEquals(List.of("OBJECTID", "NAME"), Fixtures.ids(analysis));
        assertEquals(ColumnType.TEXT, analysis.columns().get(0).inferredType());
        assertEquals("", Fixtures.copyText(analysis));
    }

    @Test
    void shortRowsArePaddedWithNulls() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "a,b,c\n1\n1,2\n1,2,3\n");
        assertEquals(3, analysis.rows());
        assertEquals("\"1\",,\n\"1\",\"2\",\n\"1\",\"2\",\"3\"\n", Fixtures.copyText(analysis));
    }

    @Test
    void trailingEmptyCellsBeyondTheHeaderAreIgnored() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "a,b\n1,2,,\n3,4, \n");
        assertEquals(List.of("a", "b"), Fixtures.ids(analysis));
        assertEquals("\"1\",\"2\"\n\"3\",\"4\"\n", Fixtures.copyText(analysis));
    }

    @Test
    void aRowWiderThanTheHeaderWithDataIsNeverLoadedShifted() {
        StringBuilder csv = new StringBuilder("c1,c2,c3,c4,c5,c6,c7,c8,c9,c10\n");
        for (int line = 2; line < 17; line++) {
            csv.append("1,2,3,4,5,6,7,8,9,10\n");
        }
        csv.append("1,2,3,4,5,6,7,8,9,10,11,12\n");
        AnalysisException e = assertThrows(AnalysisException.class, () -> Fixtures.analyze(dir, csv.toString()));
        assertTrue(e.getMessage().startsWith("1 of 16 records (6.3%) have more cells than the table's 10 columns (line 17)"),
                e.getMessage());
    }

    @Test
    void aBlankHeaderOverAnEmptyColumnIsDropped() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "a,,b,\n1,,2,\n3, ,4,\n");
        assertEquals(List.of("a", "b"), Fixtures.ids(analysis));
        assertEquals(List.of(0, 2), analysis.columns().stream().map(ColumnProfile::sourceIndex).toList());
        assertEquals("\"1\",\"2\"\n\"3\",\"4\"\n", Fixtures.copyText(analysis));
        assertTrue(analysis.warnings().stream().anyMatch(w -> w.startsWith("column 2 was left out")),
                analysis.warnings().toString());
    }

    @Test
    void aBlankHeaderOverAColumnWithDataIsKeptWithAGeneratedName() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "a,,b, \n1,x,2,\n3,,4,y\n");
        assertEquals(List.of("a", "unnamed", "b", "unnamed_2"), Fixtures.ids(analysis));
        assertEquals(List.of("a", "", "b", " "), Fixtures.labels(analysis));
        assertEquals("\"1\",\"x\",\"2\",\n\"3\",,\"4\",\"y\"\n", Fixtures.copyText(analysis));
    }

    @Test
    void aNamedColumnWithoutValuesStays() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "a,closed_dt,b\n1,,2\n");
        assertEquals(List.of("a", "closed_dt", "b"), Fixtures.ids(analysis));
    }

    @Test
    void aFileWhoseOnlyHeadersAreBlankAndEmptyHasNoColumns() {
        AnalysisException e = assertThrows(AnalysisException.class, () -> Fixtures.analyze(dir, ",,\n"));
        assertTrue(e.getMessage().startsWith("the file has no header row"), e.getMessage());
    }

    @Test
    void anUnclosedQuoteIsReportedWithALine() {
        AnalysisException e = assertThrows(AnalysisException.class,
                () -> Fixtures.analyze(dir, "a,b\n1,2\n3,\"never closed\n4,5\n"));
        assertTrue(e.getMessage().startsWith("the file cannot be read as CSV with delimiter ','"), e.getMessage());
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    }
}
