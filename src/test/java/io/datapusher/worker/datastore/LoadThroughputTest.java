package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.ColumnProfile;
import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.testsupport.DatastoreTestDatabase;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Measures a 100k-row load (COPY with the full-text trigger, indexes, swap). Off by default so
 * the normal suite stays fast on shared machines; run with {@code DPW_PERF=1}.
 */
class LoadThroughputTest {

    private static final int ROWS = Integer.parseInt(System.getenv().getOrDefault("DPW_PERF_ROWS", "100000"));

    @Test
    void loadsHundredThousandRowsAndReportsTimings() throws Exception {
        Assumptions.assumeTrue(System.getenv("DPW_PERF") != null, "set DPW_PERF=1 to measure load throughput");
        String rid = UUID.randomUUID().toString();
        List<ColumnProfile> columns = List.of(
                new ColumnProfile("id", "id", 0, EnumSet.of(ColumnType.INTEGER, ColumnType.BIGINT, ColumnType.NUMERIC, ColumnType.TEXT), Map.of()),
                new ColumnProfile("name", "name", 1, EnumSet.of(ColumnType.TEXT), Map.of()),
                new ColumnProfile("city", "city", 2, EnumSet.of(ColumnType.TEXT), Map.of()),
                new ColumnProfile("amount", "amount", 3, EnumSet.of(ColumnType.NUMERIC, ColumnType.TEXT), Map.of()),
                new ColumnProfile("day", "day", 4, EnumSet.of(ColumnType.DATE, ColumnType.TIMESTAMP, ColumnType.TEXT), Map.of()),
                new ColumnProfile("note", "note", 5, EnumSet.of(ColumnType.TEXT), Map.of()));
        String[] cities = {"Amsterdam", "Berlin", "Chicago", "Delhi", "Edinburgh", "Frankfurt"};
        Analysis analysis = new Analysis(columns, ROWS, "UTF-8", "csv", List.of(), (out, types, stripped) -> {
            for (int i = 0; i < ROWS; i++) {
                out.write("\"" + i + "\",\"person number " + i + "\",\"" + cities[i % cities.length] + "\",\"" + (i * 1.25)
                        + "\",\"2024-" + String.format("%02d-%02d", i % 12 + 1, i % 28 + 1) + "\",\"some free text about row "
                        + (i % 977) + "\"\n");
            }
            return ROWS;
        });
        try (DatastoreTestDatabase db = new DatastoreTestDatabase()) {
            DatastoreLoader loader = new DatastoreLoader(DatastoreConnections.fromCkanUrl(db.writeUrl()), LoaderSettings.defaults());
            for (int round = 1; round <= 2; round++) {
                long start = System.nanoTime();
                LoadResult result = loader.load(new LoadRequest(rid, "perf-" + round, "h", analysis, CkanVersion.of(2, 11)));
                long total = (System.nanoTime() - start) / 1_000_000;
                assertEquals(ROWS, result.rows());
                System.out.printf("load %d (%s): %d rows in %d ms = %.0f rows/s; COPY %d ms (%.0f rows/s), indexes+ANALYZE %d ms, swap %d ms%n",
                        round, result.replaced() ? "reload" : "fresh", ROWS, total, ROWS * 1000.0 / total, result.copyMillis(),
                        ROWS * 1000.0 / Math.max(1, result.copyMillis()), result.indexMillis(), result.swapMillis());
            }
            assertEquals(String.valueOf(ROWS), db.queryOne("SELECT count(*) FROM \"" + rid + "\" WHERE _full_text IS NOT NULL"));
        }
    }
}
