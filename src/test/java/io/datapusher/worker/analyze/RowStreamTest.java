package io.datapusher.worker.analyze;

import io.datapusher.worker.formats.CsvAnalyzer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("RowStream: CSV for COPY FORMAT csv, NULL unquoted, every value quoted and normalised")
class RowStreamTest {

    private static final String FILE = """
            id,name,amount,when,code,empty
            1, Alice ,12.50,2021-01-02T03:04:05,007,
            2,"Bob ""B\""",,2021-01-03,,
             3 ,"multi
            line",-1e3 ,2021-01-04 05:06,010,
            """;

    @TempDir
    Path dir;

    @Test
    void writesTheExpectedCopyText() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, FILE);
        assertEquals(List.of(ColumnType.INTEGER, ColumnType.TEXT, ColumnType.NUMERIC, ColumnType.TIMESTAMP,
                ColumnType.TEXT, ColumnType.TEXT),
                analysis.columns().stream().map(ColumnProfile::inferredType).toList());
        assertEquals("""
                "1"," Alice ","12.50","2021-01-02 03:04:05","007",
                "2","Bob ""B\""",,"2021-01-03",,
                "3","multi
                line","-1e3","2021-01-04 05:06","010",
                """, Fixtures.copyText(analysis));
    }

    @Test
    void normalisationFollowsTheTypesGivenNotTheInferredOnes() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, FILE);
        StringWriter out = new StringWriter();
        long rows = analysis.rowStream().copyTo(out, List.of(ColumnType.TEXT, ColumnType.TEXT, ColumnType.TEXT,
                ColumnType.TEXT, ColumnType.TEXT, ColumnType.TEXT));
        assertEquals(3, rows);
        assertEquals("""
                "1"," Alice ","12.50","2021-01-02T03:04:05","007",
                "2","Bob ""B\""",,"2021-01-03",,
                " 3 ","multi
                line","-1e3 ","2021-01-04 05:06","010",
                """, out.toString());
    }

    @Test
    void carriageReturnsInsideTextAreKeptAsTheyAre() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "a,b\r\n\"x\r\ny\",1\r\n");
        assertEquals("\"x\r\ny\",\"1\"\n", Fixtures.copyText(analysis));
    }

    @Test
    void droppedColumnsAreLeftOutOfTheRows() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, ",a,,b,\n,1,,2,\n,3,,,\n");
        assertEquals("\"1\",\"2\"\n\"3\",\n", Fixtures.copyText(analysis));
    }

    @Test
    void aValueThatDoesNotFitAForcedTypeFailsTheStreamNamingTheLine() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, FILE);
        IOException e = assertThrows(IOException.class, () -> analysis.rowStream().copyTo(new StringWriter(),
                List.of(ColumnType.TEXT, ColumnType.TEXT, ColumnType.TEXT, ColumnType.TEXT, ColumnType.NUMERIC,
                        ColumnType.TEXT)));
        assertEquals("line 2: \"007\" is not a numeric value", e.getMessage());
    }

    @Test
    void canBeReadMoreThanOnce() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, FILE);
        assertEquals(Fixtures.copyText(analysis), Fixtures.copyText(analysis));
    }

    @Test
    void theNumberOfTypesMustMatchTheColumns() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "a,b\n1,2\n");
        assertThrows(IllegalArgumentException.class,
                () -> analysis.rowStream().copyTo(new StringWriter(), List.of(ColumnType.TEXT)));
    }

    @Test
    void aNulCharacterFailsTheStreamNamingTheLine() throws Exception {
        Path file = Fixtures.write(dir, "a,b\n1,2\n3,4\n");
        Analysis analysis = new CsvAnalyzer().analyze(file);
        // The analysis refuses NUL itself; the stream checks again in case the file changed since.
        Files.writeString(file, "a,b\n1,2\n3,x\0\n", StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> Fixtures.copyText(analysis));
        assertTrue(e.getMessage().startsWith("line 3 contains a NUL character"), e.getMessage());
    }
}
