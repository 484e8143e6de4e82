package io.datapusher.worker.benchmark;

import io.datapusher.worker.testsupport.DatastoreTestDatabase;
import io.datapusher.worker.testsupport.TestServices;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Issue 10's benchmark: for each row count, in one run and the same sitting, generates the file,
 * loads it with the psql recipe, with a bare {@code \copy}, and with the packaged worker end to
 * end (a reload under a reader loop), checks that the worker's table is the recipe's, and prints
 * one table, also written to {@code target/benchmark/report.md}.
 *
 * <p>Run by {@code scripts/benchmark} (Maven profile {@code benchmark}), never by {@code verify}.
 * It measures and never asserts a time; it fails only when a load fails or the setup breaks.
 * System properties: {@code benchmark.rows} (comma-separated, default 300000),
 * {@code benchmark.xmx} (the worker's -Xmx, default 256m), {@code benchmark.gigabyte} (also load a
 * ~1 GiB file with the worker alone) and {@code benchmark.keepGigabyteFile} (keep that file in
 * {@code target/benchmark} for the next run).
 */
class LoadBenchmark {

    private static final Path DIR = Path.of("target/benchmark");
    /** The resource's first version, loaded before the measured reload so that readers have a live table. */
    private static final int INITIAL_ROWS = 1_000;
    private static final long GIGABYTE = 1L << 30;

    @Test
    void benchmark() throws Exception {
        List<Long> rowCounts = Arrays.stream(System.getProperty("benchmark.rows", "300000").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).map(Long::parseLong).toList();
        if (rowCounts.stream().anyMatch(rows -> rows <= INITIAL_ROWS)) {
            throw new IllegalArgumentException("each row count must be above " + INITIAL_ROWS + ", the size of the "
                    + "resource's first version, so that readers can tell the new table by its count: " + rowCounts);
        }
        String maxHeap = System.getProperty("benchmark.xmx", "256m");
        boolean gigabyte = Boolean.getBoolean("benchmark.gigabyte");
        boolean keepGigabyteFile = Boolean.getBoolean("benchmark.keepGigabyteFile");
        PsqlRecipe.requirePsql();
        Files.createDirectories(DIR);

        BenchmarkReport report = new BenchmarkReport(postgresVersion(), maxHeap);
        List<String> failed = new ArrayList<>();
        Path initial = DIR.resolve("initial.csv");
        BenchmarkCsv.write(initial, INITIAL_ROWS, BenchmarkCsv.SEED + 1);
        try {
            for (long rows : rowCounts) {
                BenchmarkReport.Row row = measure(rows, maxHeap, initial);
                report.add(row);
                report.write(DIR.resolve("report.md")); // a later failure still leaves what was measured
                if (!row.worker().succeeded()) {
                    failed.add(row.label());
                }
            }
            if (gigabyte) {
                BenchmarkReport.Row row = measureGigabyte(maxHeap, initial, keepGigabyteFile);
                report.add(row);
                if (!row.worker().succeeded()) {
                    failed.add(row.label());
                }
            }
        } finally {
            Files.deleteIfExists(initial);
        }
        report.write(DIR.resolve("report.md"));
        System.out.println("\n" + report.markdown());
        if (!failed.isEmpty()) {
            throw new AssertionError("the worker's load did not complete for " + failed + "; see "
                    + DIR.resolve("report.md") + " and the worker logs in " + DIR);
        }
    }

    /** The psql recipe, the bare \copy and the worker on one file of {@code rows} rows. */
    private static BenchmarkReport.Row measure(long rows, String maxHeap, Path initial) throws Exception {
        Path csv = DIR.resolve("rows-" + rows + ".csv");
        String resourceId = UUID.randomUUID().toString();
        try (DatastoreTestDatabase recipeDb = new DatastoreTestDatabase()) {
            long bytes = BenchmarkCsv.write(csv, rows, BenchmarkCsv.SEED);
            checkpoint();
            Duration recipe = PsqlRecipe.ckanRecipe(recipeDb.writeUrl(), resourceId, csv, DIR);
            checkpoint();
            Duration bareCopy = PsqlRecipe.bareCopy(recipeDb.writeUrl(), "bare_copy", csv, DIR);
            checkpoint();
            try (WorkerRun run = new WorkerRun("benchmark-" + rows, maxHeap, DIR)) {
                WorkerRun.Result result = run.reload(resourceId, initial, csv, rows, Duration.ofMinutes(60));
                String same = result.succeeded() ? SameOutput.compare(recipeDb, run.datastore, resourceId) : "—";
                return new BenchmarkReport.Row(label(rows, bytes), result, recipe, bareCopy, same);
            }
        } finally {
            Files.deleteIfExists(csv);
        }
    }

    /** The worker alone on a file of at least 1 GiB (the recipe would take most of an hour here). */
    private static BenchmarkReport.Row measureGigabyte(String maxHeap, Path initial, boolean keepFile) throws Exception {
        Path csv = DIR.resolve("gigabyte.csv");
        Path rowCount = DIR.resolve("gigabyte.csv.rows");
        try {
            long rows;
            if (keepFile && Files.exists(csv) && Files.exists(rowCount)) {
                rows = Long.parseLong(Files.readString(rowCount).trim());
            } else {
                rows = BenchmarkCsv.writeAtLeast(csv, GIGABYTE, BenchmarkCsv.SEED).rows();
                Files.writeString(rowCount, Long.toString(rows));
            }
            checkpoint();
            try (WorkerRun run = new WorkerRun("benchmark-gigabyte", maxHeap, DIR)) {
                WorkerRun.Result result = run.reload(UUID.randomUUID().toString(), initial, csv, rows, Duration.ofHours(2));
                return new BenchmarkReport.Row(label(rows, Files.size(csv)), result, null, null, "not checked (no recipe)");
            }
        } finally {
            if (!keepFile) {
                Files.deleteIfExists(csv);
                Files.deleteIfExists(rowCount);
            }
        }
    }

    private static String label(long rows, long bytes) {
        return String.format(Locale.ROOT, "%,d (%,d MB)", rows, bytes / 1_000_000);
    }

    /** Each load starts without the previous one's dirty pages still to be written. */
    private static void checkpoint() throws Exception {
        try (Connection c = superuser(); Statement st = c.createStatement()) {
            st.execute("CHECKPOINT");
        }
    }

    private static String postgresVersion() throws Exception {
        try (Connection c = superuser(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1).split(" ")[0];
        }
    }

    private static Connection superuser() throws Exception {
        TestServices.Postgres pg = TestServices.postgres();
        return DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), pg.password());
    }
}
