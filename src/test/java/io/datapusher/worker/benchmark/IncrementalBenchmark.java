package io.datapusher.worker.benchmark;

import io.datapusher.worker.datastore.CkanVersion;
import io.datapusher.worker.datastore.DatastoreConnections;
import io.datapusher.worker.datastore.DatastoreLoader;
import io.datapusher.worker.datastore.History;
import io.datapusher.worker.datastore.HistoryPolicy;
import io.datapusher.worker.datastore.IncrementalLoad;
import io.datapusher.worker.datastore.IndexNames;
import io.datapusher.worker.datastore.LoadPath;
import io.datapusher.worker.datastore.LoadRequest;
import io.datapusher.worker.datastore.LoaderSettings;
import io.datapusher.worker.formats.CsvAnalyzer;
import io.datapusher.worker.testsupport.DatastoreTestDatabase;
import org.junit.jupiter.api.Test;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.UUID;

/**
 * Issue 18's benchmark: each incremental case beside a full reload of the same file, in the same
 * run, on two tables with the same history. The clock covers the load from the analysed file to
 * commit (download and analysis are the same for both paths, update-metadata is one CKAN call).
 * Cases: {@code rows} rows plus 1 % appended; {@code rows} keyed rows with 1 % changed, 0.1 %
 * deleted and 1 % added. Writes {@code target/benchmark/incremental.md}.
 *
 * <p>Run by {@code scripts/benchmark --incremental} (or with the other benchmarks); never by
 * {@code verify}. System property {@code benchmark.incrementalRows} (default 1000000). Both sides run
 * with history on ({@code INGEST_HISTORY_VERSIONS=1}, the default), so the incremental time includes
 * keeping its change for an undo. It measures
 * and asserts only that each incremental case took its incremental path.
 *
 * <p>Peak RSS is this JVM's, read from Linux's {@code VmHWM} after a GC and resetting it to the
 * current RSS just before each path ({@code /proc/self/clear_refs}), so each column is the peak of
 * that path alone. {@code scripts/benchmark} runs this JVM at the worker's heap, fixed and touched
 * from the start ({@code -Xms256m -Xmx256m -XX:+AlwaysPreTouch}): both paths prove they fit in it,
 * and the heap growing under one path and not the other cannot pass for a difference between them.
 */
class IncrementalBenchmark {

    private static final Path DIR = Path.of("target/benchmark");
    private static final long SEED = 18;

    @Test
    void incrementalBesideFull() throws Exception {
        int rows = Integer.getInteger("benchmark.incrementalRows", 1_000_000);
        Files.createDirectories(DIR);
        List<String> report = new ArrayList<>();
        report.add("| case (" + String.format(Locale.ROOT, "%,d", rows) + " rows) | path | incremental | full reload | ratio"
                + " | peak RSS, incremental | peak RSS, full reload |");
        report.add("|---|---|---|---|---|---|---|");
        try (DatastoreTestDatabase db = new DatastoreTestDatabase()) {
            // History on, as by default, for both: the full reload keeps the table it replaces, the
            // incremental load keeps its change for an undo, each in its own transaction
            DatastoreConnections connections = DatastoreConnections.fromCkanUrl(db.writeUrl());
            History history = new History(connections, HistoryPolicy.DEFAULT);
            DatastoreLoader loader = new DatastoreLoader(connections, LoaderSettings.defaults(), history);
            IncrementalLoad incremental = new IncrementalLoad(connections, 0.2, history);
            // The files are written row by row, never held: the JVM runs at the worker's heap
            Path base = write("base", out -> lines(out, 1, rows, 0));
            Path appended = write("appended", out -> {
                lines(out, 1, rows, 0);
                lines(out, rows + 1, rows + rows / 100, 0);
            });
            Path keyed = write("keyed", out -> {
                Random random = new Random(SEED);
                for (int i = 1; i <= rows; i++) {
                    String line = line(random, i, 0);
                    if (i % 1000 == 8) {
                        continue; // 0.1 % deleted
                    }
                    out.write(i % 100 == 4 ? line(new Random(i), i, 1) : line); // 1 % changed
                }
                lines(out, rows + 1, rows + rows / 100, 0); // 1 % added
            });
            try {
                report.add(measure(db, loader, incremental, "1 % appended", base, appended, false));
                report.add(measure(db, loader, incremental, "keyed: 1 % changed, 0.1 % deleted, 1 % added", base, keyed, true));
            } finally {
                for (Path file : List.of(base, appended, keyed)) {
                    Files.deleteIfExists(file);
                }
            }
        }
        String markdown = String.join("\n", report) + "\n";
        Files.writeString(DIR.resolve("incremental.md"), markdown);
        System.out.println("\n" + markdown);
    }

    private static String measure(DatastoreTestDatabase db, DatastoreLoader loader, IncrementalLoad incremental, String label,
                                  Path first, Path second, boolean keyed) throws Exception {
        String fast = UUID.randomUUID().toString();
        String full = UUID.randomUUID().toString();
        for (String rid : List.of(fast, full)) {
            loader.load(request(rid, first));
            if (keyed) {
                db.writerExecute("CREATE UNIQUE INDEX \"" + IndexNames.ckanName(rid, "\"id\"") + "\" ON \"" + rid + "\" (\"id\")");
            }
        }
        LoadRequest fastRequest = request(fast, second);
        PeakRss.reset();
        long start = System.nanoTime();
        IncrementalLoad.Outcome outcome = incremental.tryLoad(fastRequest, false);
        Duration fastTime = Duration.ofNanos(System.nanoTime() - start);
        String fastPeak = PeakRss.read();
        if (outcome.path() == LoadPath.FULL) {
            throw new AssertionError(label + ": took the full path: " + outcome.reason());
        }
        LoadRequest fullRequest = request(full, second);
        PeakRss.reset();
        start = System.nanoTime();
        loader.load(fullRequest);
        Duration fullTime = Duration.ofNanos(System.nanoTime() - start);
        String fullPeak = PeakRss.read();
        return String.format(Locale.ROOT, "| %s | %s (+%d ~%d -%d) | %.2f s | %.2f s | %.1f %% | %s | %s |", label,
                outcome.path().id(), outcome.inserted(), outcome.updated(), outcome.deleted(), fastTime.toMillis() / 1000.0,
                fullTime.toMillis() / 1000.0, 100.0 * fastTime.toMillis() / Math.max(1, fullTime.toMillis()), fastPeak, fullPeak);
    }

    /** This process's peak resident set size, per path (Linux only; "n/a" elsewhere). */
    private static final class PeakRss {
        private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");
        private static final Path STATUS = Path.of("/proc/self/status");

        static void reset() {
            // what the previous path left behind is not this path's
            System.gc();
            try {
                // "5" resets the peak to the current RSS (Linux 4.0 and later)
                Files.writeString(CLEAR_REFS, "5");
            } catch (Exception e) {
                // not Linux: read() says so
            }
        }

        static String read() {
            try {
                return Files.readAllLines(STATUS).stream().filter(l -> l.startsWith("VmHWM:"))
                        .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024 + " MiB").findFirst().orElse("n/a");
            } catch (Exception e) {
                return "n/a";
            }
        }
    }

    private static LoadRequest request(String rid, Path file) throws Exception {
        return new LoadRequest(rid, UUID.randomUUID().toString(), "h", new CsvAnalyzer().analyze(file), CkanVersion.of(2, 10));
    }

    private interface Rows {
        void writeTo(BufferedWriter out) throws Exception;
    }

    private static Path write(String name, Rows rows) throws Exception {
        Path file = Files.createTempFile(DIR, "incremental-" + name, ".csv");
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("id,code,name,amount,count,day,note\n");
            rows.writeTo(out);
        }
        return file;
    }

    /** Rows {@code from..to}: the same rows every time for the same numbers (rows past the first file from their own seed). */
    private static void lines(BufferedWriter out, int from, int to, int version) throws Exception {
        Random random = new Random(from == 1 ? SEED : SEED + from);
        for (int i = from; i <= to; i++) {
            out.write(line(random, i, version));
        }
    }

    private static final String[] WORDS = {"north", "south", "river", "harbour", "market", "station", "bridge", "garden"};

    private static String line(Random random, int id, int version) {
        return id + ",\"" + String.format("%05d", random.nextInt(100000)) + "\"," + WORDS[random.nextInt(WORDS.length)] + " "
                + WORDS[random.nextInt(WORDS.length)] + "," + random.nextInt(100000) + "." + random.nextInt(100) + ","
                + (random.nextInt(1000) + version) + "," + String.format("2024-%02d-%02d", 1 + random.nextInt(12), 1 + random.nextInt(28))
                + "," + WORDS[random.nextInt(WORDS.length)] + " note " + random.nextInt(1000) + "\n";
    }
}
