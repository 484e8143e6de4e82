package io.datapusher.worker.analyze;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Wide and odd headers, and the caps on columns and cell size")
class HeadersAndCapsTest {

    @TempDir
    Path dir;

    @Test
    void aHundredAndFiftyColumnsLoad() throws Exception {
        String header = IntStream.rangeClosed(1, 150).mapToObj(i -> "c" + i).collect(Collectors.joining(","));
        String row = IntStream.rangeClosed(1, 150).mapToObj(Integer::toString).collect(Collectors.joining(","));
        Analysis analysis = Fixtures.analyze(dir, header + "\n" + row + "\n");
        assertEquals(150, analysis.columns().size());
        assertEquals(ColumnType.INTEGER, analysis.columns().get(149).inferredType());
    }

    @Test
    void headersWithNewlinesBecomeOneLineIdsAndKeepTheirLabels() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "\"Codice\nRegione\",\"Nome\r\n (breve)\"\n1,x\n");
        assertEquals(List.of("Codice Regione", "Nome (breve)"), Fixtures.ids(analysis));
        assertEquals(List.of("Codice\nRegione", "Nome\r\n (breve)"), Fixtures.labels(analysis));
    }

    @Test
    void emojiCjkAndAccentsAreKeptAndCollisionsResolvedInOrder() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "🦀,名前,Straße,名前,\" Straße\",Straße_2\n1,2,3,4,5,6\n");
        assertEquals(List.of("🦀", "名前", "Straße", "名前_2", "Stra_e", "Straße_2"), Fixtures.ids(analysis));
        assertEquals(Fixtures.ids(analysis), Fixtures.ids(Fixtures.analyze(dir, "🦀,名前,Straße,名前,\" Straße\",Straße_2\n1,2,3,4,5,6\n")),
                "deterministic");
    }

    @Test
    void numericHeadersSuchAsYearsAreKept() throws Exception {
        Analysis analysis = Fixtures.analyze(dir, "country,1990,2000,2010\nIT,1,2,3\n");
        assertEquals(List.of("country", "1990", "2000", "2010"), Fixtures.ids(analysis));
    }

    @Test
    void moreColumnsThanPostgresqlAllowsIsAClearError() {
        String header = IntStream.rangeClosed(1, 1601).mapToObj(i -> "c" + i).collect(Collectors.joining(","));
        AnalysisException e = assertThrows(AnalysisException.class, () -> Fixtures.analyze(dir, header + "\n"));
        assertEquals("the table has 1601 columns; the DataStore (PostgreSQL) allows at most 1600", e.getMessage());
    }

    @Test
    void aCellOverTheSizeCapIsAClearError() {
        AnalysisOptions small = AnalysisOptions.DEFAULTS.withCaps(1600, 100);
        AnalysisException e = assertThrows(AnalysisException.class,
                () -> Fixtures.analyze(dir, "a,b\n1,\"" + "x".repeat(101) + "\"\n", small));
        assertEquals("line 2, cell 2 holds 101 characters, more than the limit of 100 (INGEST_MAX_CELL_CHARS)",
                e.getMessage());
    }
}
