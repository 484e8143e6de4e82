package io.datapusher.worker.benchmark;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.datastore.CkanVersion;
import io.datapusher.worker.datastore.DatastoreConnections;
import io.datapusher.worker.datastore.DatastoreLoader;
import io.datapusher.worker.datastore.History;
import io.datapusher.worker.datastore.HistoryPolicy;
import io.datapusher.worker.datastore.LoadRequest;
import io.datapusher.worker.datastore.LoadResult;
import io.datapusher.worker.datastore.LoaderSettings;
import io.datapusher.worker.formats.CsvAnalyzer;
import io.datapusher.worker.testsupport.DatastoreTestDatabase;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Issue 17's target: the swap that keeps the replaced table in history must not be longer than the
 * swap that drops it. For each row count, reloads a resource of that size {@value #RELOADS} times
 * with history on ({@code INGEST_HISTORY_VERSIONS=1}) and off ({@code 0}), alternating so that
 * both see the same server, and reports each one's median swap time, which is the time readers
 * may wait. Appends its table to {@code target/benchmark/history-swap.md}.
 *
 * <p>Run by {@code scripts/benchmark --history-swap} (Maven profile {@code benchmark}); it
 * measures and never asserts a time.
 */
class HistorySwapBenchmark {

    private static final Path DIR = Path.of("target/benchmark");
    private static final int RELOADS = 5;

    @Test
    void swapWithHistoryAgainstWithout() throws Exception {
        List<Long> rowCounts = Arrays.stream(System.getProperty("benchmark.rows", "300000").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).map(Long::parseLong).toList();
        Files.createDirectories(DIR);
        StringBuilder report = new StringBuilder("| rows | swap, history on (median ms) | swap, history off (median ms)"
                + " | each, on | each, off |\n|---:|---:|---:|---|---|\n");
        for (long rows : rowCounts) {
            Path file = DIR.resolve("history-swap-" + rows + ".csv");
            BenchmarkCsv.write(file, rows, BenchmarkCsv.SEED);
            Analysis analysis = new CsvAnalyzer().analyze(file);
            List<Long> on = new ArrayList<>();
            List<Long> off = new ArrayList<>();
            try (DatastoreTestDatabase db = new DatastoreTestDatabase()) {
                DatastoreConnections connections = DatastoreConnections.fromCkanUrl(db.writeUrl());
                DatastoreLoader keeping = loader(connections, new HistoryPolicy(1, Duration.ofDays(7), OptionalLong.empty()));
                DatastoreLoader dropping = loader(connections, HistoryPolicy.OFF);
                String kept = UUID.randomUUID().toString();
                String dropped = UUID.randomUUID().toString();
                keeping.load(request(kept, 0, analysis));
                dropping.load(request(dropped, 0, analysis));
                for (int i = 1; i <= RELOADS; i++) {
                    on.add(keeping.load(request(kept, i, analysis)).swapMillis());
                    off.add(dropping.load(request(dropped, i, analysis)).swapMillis());
                }
            } finally {
                Files.deleteIfExists(file);
            }
            report.append("| ").append(rows).append(" | ").append(median(on)).append(" | ").append(median(off))
                    .append(" | ").append(on).append(" | ").append(off).append(" |\n");
        }
        Files.writeString(DIR.resolve("history-swap.md"), report.toString());
        System.out.println(report);
    }

    private static DatastoreLoader loader(DatastoreConnections connections, HistoryPolicy policy) {
        return new DatastoreLoader(connections, LoaderSettings.defaults(), new History(connections, policy));
    }

    private static LoadRequest request(String resourceId, int run, Analysis analysis) {
        return new LoadRequest(resourceId, "job-" + run, "hash-" + run, analysis, CkanVersion.of(2, 11));
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}
