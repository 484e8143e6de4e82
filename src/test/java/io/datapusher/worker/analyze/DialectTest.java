package io.datapusher.worker.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Dialect: delimiter sniffing, RFC 4180 quoting and every line ending")
class DialectTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "delimiter {0}")
    @ValueSource(strings = {",", ";", "\t", "|"})
    void eachDelimiterIsDetected(String d) throws Exception {
        Analysis analysis = Fixtures.analyze(dir, String.join(d, "a", "b", "c") + "\n"
                + String.join(d, "1", "x y", "3") + "\n" + String.join(d, "4", "z", "6") + "\n");
        assertEquals(List.of("a", "b", "c"), Fixtures.ids(analysis));
        assertEquals(2, analysis.rows());
        assertEquals("csv, delimiter '" + (d.equals("\t") ? "\\t" : d) + "'", analysis.format());
    }

    @Test
    void semicolonFilesWithDecimalCommasAreSemicolonFiles() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "name;value\nfoo;1,5\nbar;22,25\nbaz;3\n");
        assertEquals("csv, delimiter ';'", analysis.format());
        assertEquals(List.of("name", "value"), Fixtures.ids(analysis));
    }

    @Test
    void delimitersInsideQuotesDoNotCount() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "\"a;b;c\",d\n\"1;2;3\",4\n\"5;6;7\",8\n");
        assertEquals("csv, delimiter ','", analysis.format());
        assertEquals(List.of("a;b;c", "d"), Fixtures.labels(analysis));
    }

    @Test
    void everyFieldQuotedWithSemicolons() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "\"Stadt\";\"Total, 2010\"\n\"Zürich\";\"1,5\"\n");
        assertEquals("csv, delimiter ';'", analysis.format());
        assertEquals(List.of("Stadt", "Total, 2010"), Fixtures.labels(analysis));
    }

    @Test
    void evenEvidenceGoesToComma() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "a;b,c\n1;2,3\n");
        assertEquals("csv, delimiter ','", analysis.format());
        assertEquals(List.of("a;b", "c"), Fixtures.labels(analysis));
    }

    @Test
    void aSingleColumnFileIsReadWithComma() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "name\nAlice\nBob\n");
        assertEquals("csv, delimiter ','", analysis.format());
        assertEquals(List.of("name"), Fixtures.ids(analysis));
        assertEquals(2, analysis.rows());
    }

    @ParameterizedTest(name = "line ending {0}")
    @ValueSource(strings = {"LF", "CRLF", "CR"})
    void lfCrlfAndOldMacCrLineEndingsAllWork(String name) throws Exception {
        String eol = switch (name) {
            case "LF" -> "\n";
            case "CRLF" -> "\r\n";
            default -> "\r";
        };
        String csv = "a,b,c" + eol + "1,\"two" + eol + "lines\",3" + eol + eol + "4,5,6" + eol + "7,8,9";
        Analysis analysis = Fixtures.analyze(dir, csv);
        assertEquals(List.of("a", "b", "c"), Fixtures.ids(analysis));
        assertEquals(3, analysis.rows());
        assertEquals(ColumnType.INTEGER, Fixtures.column(analysis, "a").inferredType());
        assertEquals("\"1\",\"two" + eol + "lines\",\"3\"\n\"4\",\"5\",\"6\"\n\"7\",\"8\",\"9\"\n",
                Fixtures.copyText(analysis));

        // line numbers count physical lines, including the one inside the quotes and the blank one
        AnalysisException e = assertThrows(AnalysisException.class,
                () -> Fixtures.analyze(dir, csv + eol + "10,11,12,13" + eol));
        assertTrue(e.getMessage().startsWith("1 of 4 records (25.0%) have more cells than the table's 3 columns (line 7)"),
                e.getMessage());
    }

    @Test
    void mixedLineEndingsInOneFile() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "a,b\r\n1,2\n3,4\r5,6\r\n");
        assertEquals(3, analysis.rows());
        assertEquals("\"1\",\"2\"\n\"3\",\"4\"\n\"5\",\"6\"\n", Fixtures.copyText(analysis));
    }

    @Test
    void quotedFieldsMayHoldDelimitersQuotesAndNewlines() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "a,b\n\"x, \"\"y\"\"\nz\",2\n");
        assertEquals(1, analysis.rows());
        assertEquals("\"x, \"\"y\"\"\nz\",\"2\"\n", Fixtures.copyText(analysis));
    }
}
