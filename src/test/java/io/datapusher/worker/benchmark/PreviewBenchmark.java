package io.datapusher.worker.benchmark;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Issue 17's target: a preview of an N-row file takes at most 20 % of a full load of it. For each
 * row count the packaged worker previews the file, then reloads the resource with it, and the
 * table (also {@code target/benchmark/preview.md}) gives both times, from job creation to its end.
 *
 * <p>Run by {@code scripts/benchmark --preview} only (it is skipped otherwise); it measures and never
 * asserts a time, and fails only when a job fails.
 */
class PreviewBenchmark {

    private static final Path DIR = Path.of("target/benchmark");
    private static final int INITIAL_ROWS = 1_000;
    private static final double TARGET = 0.20;

    @Test
    void previewAgainstFullLoad() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("benchmark.preview"), "run by scripts/benchmark --preview");
        List<Long> rowCounts = Arrays.stream(System.getProperty("benchmark.rows", "300000").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).map(Long::parseLong).toList();
        String maxHeap = System.getProperty("benchmark.xmx", "256m");
        Files.createDirectories(DIR);
        Path initial = DIR.resolve("preview-initial.csv");
        BenchmarkCsv.write(initial, INITIAL_ROWS, BenchmarkCsv.SEED + 1);
        StringBuilder md = new StringBuilder("| rows | preview | full load | preview ÷ load | target ≤ 20 % |\n"
                + "|---|---:|---:|---:|---|\n");
        try {
            for (long rows : rowCounts) {
                Path csv = DIR.resolve("preview-" + rows + ".csv");
                try (WorkerRun run = new WorkerRun("preview-" + rows, maxHeap, DIR)) {
                    BenchmarkCsv.write(csv, rows, BenchmarkCsv.SEED);
                    WorkerRun.PreviewAndLoad result = run.previewThenReload(UUID.randomUUID().toString(), initial, csv,
                            Duration.ofMinutes(60));
                    if (!"complete".equals(result.preview().status()) || !"complete".equals(result.load().status())) {
                        throw new AssertionError("preview " + result.preview() + ", load " + result.load());
                    }
                    double ratio = (double) result.previewTook().toMillis() / result.loadTook().toMillis();
                    md.append(String.format(Locale.ROOT, "| %,d | %.1f s | %.1f s | %.0f %% | %s |%n", rows,
                            result.previewTook().toMillis() / 1000.0, result.loadTook().toMillis() / 1000.0, ratio * 100,
                            ratio <= TARGET ? "met" : "missed"));
                } finally {
                    Files.deleteIfExists(csv);
                }
            }
        } finally {
            Files.deleteIfExists(initial);
        }
        Files.writeString(DIR.resolve("preview.md"), md);
        System.out.println("\n" + md);
    }
}
