package io.datapusher.worker.benchmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The benchmark's one table, in markdown, with the machine it ran on and a line per run on where the worker spent its time. */
final class BenchmarkReport {

    /** One measured file: the worker's reload and, when it was run, the psql loads of the same file. */
    record Row(String label, WorkerRun.Result worker, Duration recipe, Duration bareCopy, String sameOutput) {
    }

    private final String machine;
    private final String startLoad = loadAverage();
    private final List<Row> rows = new ArrayList<>();

    BenchmarkReport(String postgresVersion, String maxHeap) {
        this.machine = String.format(Locale.ROOT, "%s: %d CPUs (%s), %.1f GiB RAM, PostgreSQL %s; worker -Xmx%s",
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")),
                Runtime.getRuntime().availableProcessors(), cpuModel(), memTotalKb() / 1024.0 / 1024.0,
                postgresVersion, maxHeap);
    }

    void add(Row row) {
        rows.add(row);
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("### ").append(machine).append("; load average ").append(startLoad).append(" before, ")
                .append(loadAverage()).append(" after\n\n");
        md.append("| rows | worker time to live | worker time to CKAN-complete | psql recipe | bare `\\copy` "
                + "| worker ÷ recipe | peak RSS | longest reader wait (median) | reader errors | same output |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Row row : rows) {
            WorkerRun.Result w = row.worker();
            String complete = w.succeeded() ? seconds(w.ckanComplete().toMillis()) : w.job().status();
            String ratio = w.succeeded() && row.recipe() != null
                    ? String.format(Locale.ROOT, "%.2f", (double) w.ckanComplete().toMillis() / row.recipe().toMillis())
                    : "—";
            md.append("| ").append(row.label())
                    .append(" | ").append(w.liveByReader() == null ? "—" : seconds(w.liveByReader().toMillis()))
                    .append(" | ").append(complete)
                    .append(" | ").append(row.recipe() == null ? "—" : seconds(row.recipe().toMillis()))
                    .append(" | ").append(row.bareCopy() == null ? "—" : seconds(row.bareCopy().toMillis()))
                    .append(" | ").append(ratio)
                    .append(" | ").append(w.peakRssKb() / 1024).append(" MiB")
                    .append(" | ").append(w.reader().longestMillis()).append(" ms (").append(w.reader().medianMillis())
                    .append(" ms)")
                    .append(" | ").append(w.reader().errors())
                    .append(" | ").append(row.sameOutput())
                    .append(" |\n");
        }
        md.append('\n');
        for (Row row : rows) {
            WorkerRun.Result w = row.worker();
            md.append("- ").append(row.label()).append(": ").append(w.steps()).append(". Live by the jobs table ")
                    .append("(`loaded_at` − `created_at`): ").append(w.liveByJob() == null ? "—" : seconds(w.liveByJob().toMillis()))
                    .append("; queued ").append(w.queued().toMillis()).append(" ms before the job was created; ")
                    .append(w.reader().calls()).append(" reader calls");
            ReaderLoop.Stats reader = w.reader();
            if (reader.longestStartedAt() != null) {
                md.append(", the longest started ").append(seconds(Duration.between(w.job().createdAt().toInstant(),
                        reader.longestStartedAt()).toMillis())).append(" after the job's creation and ")
                        .append(reader.longestSawRows() < 0 ? "failed" : String.format(Locale.ROOT, "counted %,d rows",
                                reader.longestSawRows()));
            }
            md.append('.');
            if (w.job().error() != null) {
                md.append(" Job error: ").append(w.job().error());
            }
            if (!w.reader().firstErrors().isEmpty()) {
                md.append(" Reader errors: ").append(String.join(" | ", w.reader().firstErrors()));
            }
            md.append('\n');
        }
        md.append("""

                Time to live: from the job's `created_at` until the reader loop first got the new row count. \
                CKAN-complete: until the job's `finished_at` (status `complete`: table swapped and `resource_patch` \
                done). The psql recipe (CKAN's layout, trigger, `\\copy`, 4 GiST indexes, `ANALYZE`, one \
                transaction) and bare `\\copy` (typed table only): wall clock of the `psql` process, same file, \
                same sitting. Peak RSS: `VmHWM` of the worker's JVM over its life. Reader wait: one \
                `datastore_search`-like call (columns, 100 records, exact count) as the read role, every %d ms \
                during the reload; the median shows what a call costs when nothing blocks it.
                """.formatted(WorkerRun.READER_PAUSE.toMillis()));
        return md.toString();
    }

    void write(Path file) throws IOException {
        Files.writeString(file, markdown(), StandardCharsets.UTF_8);
    }

    /** Seconds, with two decimals under ten seconds and one above. */
    static String seconds(long millis) {
        return String.format(Locale.ROOT, millis < 10_000 ? "%.2f s" : "%.1f s", millis / 1000.0);
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static long memTotalKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException ignored) {
            // not Linux: reported as 0
        }
        return 0;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return "unknown CPU";
    }
}
