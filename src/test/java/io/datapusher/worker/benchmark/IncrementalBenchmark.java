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
 */
class IncrementalBenchmark {

    private static final Path DIR = Path.of("target/benchmark");

    @Test
    void incrementalBesideFull() throws Exception {
        int rows = Integer.getInteger("benchmark.incrementalRows", 1_000_000);
        Files.createDirectories(DIR);
        List<String> report = new ArrayList<>();
        report.add("| case (" + String.format(Locale.ROOT, "%,d", rows) + " rows) | path | incremental | full reload | ratio |");
        report.add("|---|---|---|---|---|");
        try (DatastoreTestDatabase db = new DatastoreTestDatabase()) {
            // History on, as by default, for both: the full reload keeps the table it replaces, the
            // incremental load keeps its change for an undo, each in its own transaction
            DatastoreConnections connections = DatastoreConnections.fromCkanUrl(db.writeUrl());
            History history = new History(connections, HistoryPolicy.DEFAULT);
            DatastoreLoader loader = new DatastoreLoader(connections, LoaderSettings.defaults(), history);
            IncrementalLoad incremental = new IncrementalLoad(connections, 0.2, history);
            Random random = new Random(18);
            List<String> base = new ArrayList<>();
            for (int i = 1; i <= rows; i++) {
                base.add(line(random, i, 0));
            }
            List<String> appended = new ArrayList<>(base);
            for (int i = rows + 1; i <= rows + rows / 100; i++) {
                appended.add(line(random, i, 0));
            }
            report.add(measure(db, loader, incremental, "1 % appended", base, appended, false));

            List<String> keyed = new ArrayList<>();
            for (int i = 0; i < base.size(); i++) {
                if (i % 1000 == 7) {
                    continue; // 0.1 % deleted
                }
                keyed.add(i % 100 == 3 ? line(random, i + 1, 1) : base.get(i)); // 1 % changed
            }
            for (int i = rows + 1; i <= rows + rows / 100; i++) {
                keyed.add(line(random, i, 0)); // 1 % added
            }
            report.add(measure(db, loader, incremental, "keyed: 1 % changed, 0.1 % deleted, 1 % added", base, keyed, true));
        }
        String markdown = String.join("\n", report) + "\n";
        Files.writeString(DIR.resolve("incremental.md"), markdown);
        System.out.println("\n" + markdown);
    }

    private static String measure(DatastoreTestDatabase db, DatastoreLoader loader, IncrementalLoad incremental, String label,
                                  List<String> before, List<String> after, boolean keyed) throws Exception {
        Path first = write("before", before);
        Path second = write("after", after);
        try {
            String fast = UUID.randomUUID().toString();
            String full = UUID.randomUUID().toString();
            for (String rid : List.of(fast, full)) {
                loader.load(request(rid, first));
                if (keyed) {
                    db.writerExecute("CREATE UNIQUE INDEX \"" + IndexNames.ckanName(rid, "\"id\"") + "\" ON \"" + rid + "\" (\"id\")");
                }
            }
            LoadRequest fastRequest = request(fast, second);
            long start = System.nanoTime();
            IncrementalLoad.Outcome outcome = incremental.tryLoad(fastRequest, false);
            Duration fastTime = Duration.ofNanos(System.nanoTime() - start);
            if (outcome.path() == LoadPath.FULL) {
                throw new AssertionError(label + ": took the full path: " + outcome.reason());
            }
            LoadRequest fullRequest = request(full, second);
            start = System.nanoTime();
            loader.load(fullRequest);
            Duration fullTime = Duration.ofNanos(System.nanoTime() - start);
            return String.format(Locale.ROOT, "| %s | %s (+%d ~%d -%d) | %.2f s | %.2f s | %.1f %% |", label, outcome.path().id(),
                    outcome.inserted(), outcome.updated(), outcome.deleted(), fastTime.toMillis() / 1000.0,
                    fullTime.toMillis() / 1000.0, 100.0 * fastTime.toMillis() / Math.max(1, fullTime.toMillis()));
        } finally {
            Files.deleteIfExists(first);
            Files.deleteIfExists(second);
        }
    }

    private static LoadRequest request(String rid, Path file) throws Exception {
        return new LoadRequest(rid, UUID.randomUUID().toString(), "h", new CsvAnalyzer().analyze(file), CkanVersion.of(2, 10));
    }

    private static Path write(String name, List<String> lines) throws Exception {
        Path file = Files.createTempFile(DIR, "incremental-" + name, ".csv");
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("id,code,name,amount,count,day,note\n");
            for (String line : lines) {
                out.write(line);
            }
        }
        return file;
    }

    private static final String[] WORDS = {"north", "south", "river", "harbour", "market", "station", "bridge", "garden"};

    private static String line(Random random, int id, int version) {
        return id + ",\"" + String.format("%05d", random.nextInt(100000)) + "\"," + WORDS[random.nextInt(WORDS.length)] + " "
                + WORDS[random.nextInt(WORDS.length)] + "," + random.nextInt(100000) + "." + random.nextInt(100) + ","
                + (random.nextInt(1000) + version) + "," + String.format("2024-%02d-%02d", 1 + random.nextInt(12), 1 + random.nextInt(28))
                + "," + WORDS[random.nextInt(WORDS.length)] + " note " + random.nextInt(1000) + "\n";
    }
}
