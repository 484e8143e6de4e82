package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.formats.CsvAnalyzer;
import io.datapusher.worker.testsupport.LoaderTestBase;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.EnumSet;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The test that matters for incremental loads: seeded random edit scripts over real and generated
 * files. After each edit, the table an incremental load leaves equals the table a full reload of
 * the same file leaves (the same history, every load full), compared as contents: the rows with
 * their {@code _full_text}, each column's comment, the index definitions; for an append also the
 * {@code _id}s and the sequence. Edits that must not be incremental must take the full path.
 *
 * <p>{@code -Dincremental.seeds=N} runs N seeds (default 2); a failure names its seed and step.
 */
class IncrementalEquivalenceTest extends LoaderTestBase {

    private static final Path SAMPLES = Path.of("../shared/samples");
    private static final int SEEDS = Integer.getInteger("incremental.seeds", 2);
    private static final int STEPS = 5;

    private enum Edit { APPEND, APPEND_MISFIT, CHANGE, DELETE, REORDER, RETYPE, HEADER, API_WRITE }

    private final String full = UUID.randomUUID().toString();
    private Path dir;
    private int version;
    /** Whether amount, and day, of the generated file have become text. */
    private boolean amountText;
    private boolean dayText;
    /** Whether the table still has its primary_key: a renamed key column takes it away. */
    private boolean keyed;

    @Test
    void generatedFilesWithAPrimaryKeyGoKeyedOrAppend() throws Exception {
        for (int seed = 1; seed <= SEEDS; seed++) {
            run(seed, "generated, keyed", generated(new Random(seed), 150), true);
        }
    }

    @Test
    void generatedFilesWithoutAKeyAppendOrReloadFully() throws Exception {
        for (int seed = 1; seed <= SEEDS; seed++) {
            run(seed, "generated", generated(new Random(seed * 31L), 150), false);
        }
    }

    @Test
    void realFilesThatGrowAppend() throws Exception {
        for (String name : List.of("datasets_co2-mm-mlo.csv", "datasets_country-codes.csv", "messytables_example.tsv",
                "xloader_german_sample.csv", "datasets_covid19_countries-aggregated.csv")) {
            Path file = SAMPLES.resolve(name);
            Assumptions.assumeTrue(Files.isRegularFile(file), name + " is absent");
            List<byte[]> lines = lines(Files.readAllBytes(file));
            // a slice of the big one keeps the test quick
            List<byte[]> all = lines.subList(0, Math.min(lines.size(), 400));
            for (int seed = 1; seed <= Math.max(1, SEEDS / 2); seed++) {
                run(seed, name, all, false);
            }
        }
    }

    /** Loads a first part of {@code file}, then edits it step by step, comparing after each step. */
    private void run(int seed, String label, List<byte[]> file, boolean withKey) throws Exception {
        keyed = withKey;
        dir = Files.createTempDirectory("dpw-equivalence");
        amountText = false;
        dayText = false;
        try {
            Random random = new Random(seed);
            String incremental = UUID.randomUUID().toString();
            String reloaded = UUID.randomUUID().toString();
            int first = Math.max(2, file.size() * 2 / 3);
            List<byte[]> current = new ArrayList<>(file.subList(0, first));
            List<byte[]> spare = new ArrayList<>(file.subList(first, file.size()));
            Path start = write(current);
            for (String rid : List.of(incremental, reloaded)) {
                loader.load(request(rid, start));
                if (keyed) {
                    db.writerExecute("CREATE UNIQUE INDEX " + Sql.quoteIdent(IndexNames.ckanName(rid, "\"id\"")) + " ON "
                            + Sql.publicTable(rid) + " (\"id\")");
                }
            }
            IncrementalLoad load = new IncrementalLoad(DatastoreConnections.fromCkanUrl(db.writeUrl()), 0.5);
            boolean generated = label.startsWith("generated");
            for (int step = 1; step <= STEPS; step++) {
                String where = label + ", seed " + seed + ", step " + step;
                Edit edit = pick(random, generated, spare.isEmpty());
                Set<LoadPath> expected = apply(edit, random, current, spare, generated, List.of(incremental, reloaded));
                where += " (" + edit + ")";
        
                Path next = write(current);
                IncrementalLoad.Outcome outcome = load.tryLoad(request(incremental, next), false);
                if (outcome.path() == LoadPath.FULL) {
                    loader.load(request(incremental, next));
                }
                loader.load(request(reloaded, next));
                assertTrue(expected.contains(outcome.path()), where + ": " + outcome.path() + " (" + outcome.reason() + ")");
                if (edit == Edit.APPEND && !generated && outcome.path() == LoadPath.FULL) {
                    // a real file may grow with a value that changes a column's type or the dialect
                    assertTrue(outcome.reason().matches(".*(type|dialect|encoding).*"), where + ": " + outcome.reason());
                }
                assertSameTable(where, incremental, reloaded, outcome.path() != LoadPath.KEYED);
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private static Edit pick(Random random, boolean generated, boolean noSpare) {
        List<Edit> edits = generated ? List.of(Edit.values())
                : List.of(Edit.APPEND, Edit.APPEND, Edit.CHANGE, Edit.DELETE, Edit.REORDER, Edit.HEADER, Edit.API_WRITE);
        Edit edit = edits.get(random.nextInt(edits.size()));
        return edit == Edit.APPEND && noSpare && !generated ? Edit.API_WRITE : edit;
    }

    /** Edits the file (or the live tables), and says which paths the next load may take. */
    private Set<LoadPath> apply(Edit edit, Random random, List<byte[]> lines, List<byte[]> spare, boolean generated,
                           List<String> tables) throws Exception {
        int rows = lines.size() - 1;
        switch (edit) {
            case APPEND -> {
                int n = 1 + random.nextInt(Math.max(1, rows / 10));
                for (int i = 0; i < n; i++) {
                    if (generated) {
                        lines.add(row(random, maxId(lines) + 1));
                    } else if (!spare.isEmpty()) {
                        lines.add(spare.remove(0));
                    }
                }
                // after a keyed load the rows are no longer in file order, so a keyed table may go keyed
                return keyed ? EnumSet.of(LoadPath.APPEND, LoadPath.KEYED)
                        : generated ? EnumSet.of(LoadPath.APPEND) : EnumSet.of(LoadPath.APPEND, LoadPath.FULL);
            }
            case APPEND_MISFIT -> {
                // more than the analysis quarantines: the column becomes text
                for (int i = 0; i <= rows / 5; i++) {
                    lines.add(("" + (maxId(lines) + 1) + ",late,not a number,2024-01-01\n").getBytes(StandardCharsets.UTF_8));
                }
                if (amountText) {
                    return keyed ? EnumSet.of(LoadPath.APPEND, LoadPath.KEYED) : EnumSet.of(LoadPath.APPEND);
                }
                amountText = true;
                return EnumSet.of(LoadPath.FULL);
            }
            case CHANGE -> {
                int i = 1 + random.nextInt(rows);
                if (generated) {
                    String[] cells = new String(lines.get(i), StandardCharsets.UTF_8).split(",", -1);
                    cells[1] = "changed" + random.nextInt(1000);
                    cells[2] = String.format("%d.%02d", random.nextInt(10000), random.nextInt(100));
                    lines.set(i, String.join(",", cells).getBytes(StandardCharsets.UTF_8));
                } else {
                    int j = 1 + random.nextInt(rows);
                    lines.set(i, lines.get(j));
                }
                // a generated change always changes the row; a real file's copied line may be the same
                return keyed ? generated ? EnumSet.of(LoadPath.KEYED) : EnumSet.of(LoadPath.KEYED, LoadPath.FULL)
                        : generated ? EnumSet.of(LoadPath.FULL) : unkeyedChange();
            }
            case DELETE -> {
                lines.remove(1 + random.nextInt(rows));
                return keyed ? EnumSet.of(LoadPath.KEYED) : generated ? EnumSet.of(LoadPath.FULL) : unkeyedChange();
            }
            case REORDER -> {
                Collections.swap(lines, 1 + random.nextInt(rows), 1 + random.nextInt(rows));
                // swapping a row with itself changes nothing, which is a full reload
                return keyed ? EnumSet.of(LoadPath.KEYED, LoadPath.FULL) : unkeyedChange();
            }
            case RETYPE -> {
                // more rows than the analysis quarantines: the column becomes text
                for (int n = 0; n <= rows / 5; n++) {
                    int i = 1 + random.nextInt(rows);
                    String[] cells = new String(lines.get(i), StandardCharsets.UTF_8).split(",", -1);
                    cells[3] = "sometime\n";
                    lines.set(i, String.join(",", cells).getBytes(StandardCharsets.UTF_8));
                }
                if (dayText) {
                    return keyed ? EnumSet.of(LoadPath.KEYED, LoadPath.FULL) : EnumSet.of(LoadPath.FULL, LoadPath.APPEND);
                }
                dayText = true;
                return EnumSet.of(LoadPath.FULL);
            }
            case HEADER -> {
                byte[] header = lines.get(0);
                lines.set(0, ("renamed_" + new String(header, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
                // the full reload drops the primary_key with its column, as CKAN's would be gone
                keyed = false;
                return EnumSet.of(LoadPath.FULL);
            }
            case API_WRITE -> {
                for (String rid : tables) {
                    // a new row version with the same values: only the table's history says it was written
                    db.writerExecute("UPDATE " + Sql.publicTable(rid) + " SET \"_full_text\" = \"_full_text\" WHERE \"_id\" = "
                            + "(SELECT min(\"_id\") FROM " + Sql.publicTable(rid) + ")");
                }
                return EnumSet.of(LoadPath.FULL);
            }
            default -> throw new IllegalStateException();
        }
    }

    private void assertSameTable(String where, String incremental, String reloaded, boolean sameIds) throws Exception {
        assertSameRows(where, rows(reloaded, sameIds), rows(incremental, sameIds));
        assertEquals(db.query(comments(reloaded)), db.query(comments(incremental)), where + ": column comments");
        assertEquals(db.query(indexes(reloaded)), db.query(indexes(incremental)), where + ": indexes");
        if (sameIds) {
            assertEquals(db.queryOne(sequence(reloaded)), db.queryOne(sequence(incremental)), where + ": _id sequence");
        }
    }

    /** Says which rows differ, rather than printing both tables. */
    private static void assertSameRows(String where, List<String> expected, List<String> actual) {
        if (!expected.equals(actual)) {
            List<String> missing = new ArrayList<>(expected);
            missing.removeAll(actual);
            List<String> extra = new ArrayList<>(actual);
            extra.removeAll(expected);
            throw new AssertionError(where + ": rows differ (" + expected.size() + " after a full reload, " + actual.size()
                    + " after the incremental load); missing " + missing.subList(0, Math.min(3, missing.size()))
                    + ", extra " + extra.subList(0, Math.min(3, extra.size())));
        }
    }

    /** Each row with its _full_text, as PostgreSQL prints it; in _id order with the _id, or sorted without. */
    private List<String> rows(String rid, boolean withIds) throws Exception {
        List<String> columns = db.query("SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = '"
                + Sql.publicTable(rid) + "'::regclass AND attnum > 0 AND NOT attisdropped AND attname NOT IN ('_id', '_full_text')"
                + " ORDER BY attnum");
        String row = "ROW(" + (withIds ? "\"_id\", " : "") + "\"_full_text\", " + String.join(", ", columns) + ")::text";
        List<String> rows = db.query("SELECT " + row + " FROM " + Sql.publicTable(rid) + (withIds ? " ORDER BY \"_id\"" : ""));
        if (!withIds) {
            rows = new ArrayList<>(rows);
            Collections.sort(rows);
        }
        return rows;
    }

    /** A change to a table without a key: a full reload, or an append when the edit happened to change nothing. */
    private static Set<LoadPath> unkeyedChange() {
        return EnumSet.of(LoadPath.FULL, LoadPath.APPEND);
    }

    private static String comments(String rid) {
        return "SELECT attname || '=' || coalesce(col_description(attrelid, attnum), '(none)') FROM pg_attribute WHERE attrelid = '"
                + Sql.publicTable(rid) + "'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum";
    }

    /** Each index by what it is, not its name, which is made from the resource id. */
    private static String indexes(String rid) {
        return "SELECT indisunique || ' ' || indisprimary || ' ' || substring(pg_get_indexdef(indexrelid) from ' USING .*$')"
                + " FROM pg_index WHERE indrelid = '" + Sql.publicTable(rid) + "'::regclass ORDER BY 1";
    }

    private static String sequence(String rid) {
        return "SELECT last_value || ' ' || is_called FROM " + Sql.publicTable(rid + "__id_seq");
    }

    private LoadRequest request(String rid, Path file) throws Exception {
        Analysis analysis = new CsvAnalyzer().analyze(file);
        return new LoadRequest(rid, UUID.randomUUID().toString(), "hash-" + file.getFileName(), analysis, CkanVersion.of(2, 10));
    }

    private Path write(List<byte[]> lines) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (byte[] line : lines) {
            bytes.write(line);
        }
        String name = lines.isEmpty() ? "x.csv" : new String(lines.get(0), StandardCharsets.UTF_8).contains("\t") ? "v.tsv" : "v.csv";
        Path file = dir.resolve((version++) + "-" + name);
        Files.write(file, bytes.toByteArray());
        return file;
    }

    /** The file's lines, each with its line end. */
    private static List<byte[]> lines(byte[] data) {
        List<byte[]> lines = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < data.length; i++) {
            if (data[i] == '\n') {
                byte[] line = new byte[i + 1 - from];
                System.arraycopy(data, from, line, 0, line.length);
                lines.add(line);
                from = i + 1;
            }
        }
        return lines;
    }

    private static List<byte[]> generated(Random random, int rows) {
        List<byte[]> lines = new ArrayList<>();
        lines.add("id,name,amount,day\n".getBytes(StandardCharsets.UTF_8));
        for (int i = 1; i <= rows; i++) {
            lines.add(row(random, i));
        }
        return lines;
    }

    private static byte[] row(Random random, long id) {
        // no comma inside a cell, so that edits can split a line on commas
        String[] words = {"alpha", "beta", "gamma street", "delta", "épsilon", "\"zeta \"\"quoted\"\"\""};
        String name = words[random.nextInt(words.length)];
        return (id + "," + name + "," + random.nextInt(10000) + "." + String.format("%02d", random.nextInt(100)) + ","
                + String.format("2024-%02d-%02d", 1 + random.nextInt(12), 1 + random.nextInt(28)) + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static long maxId(List<byte[]> lines) {
        long max = 0;
        for (int i = 1; i < lines.size(); i++) {
            String text = new String(lines.get(i), StandardCharsets.UTF_8);
            max = Math.max(max, Long.parseLong(text.substring(0, text.indexOf(','))));
        }
        return max;
    }
}
