package io.datapusher.worker.benchmark;

import io.datapusher.worker.benchmark.BenchmarkCsv.Column;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The loads the worker is measured against, done by hand with the {@code psql} binary as the
 * DataStore write role, as {@code perf-notes.md} describes them. Each is timed as the wall clock of
 * the psql process, connection included.
 */
final class PsqlRecipe {

    static final String PSQL = "/usr/bin/psql";
    static final String FTS_LANG = "english";

    private PsqlRecipe() {
    }

    /**
     * The CKAN-complete load in one transaction: CKAN's table layout and {@code zfulltext} trigger,
     * {@code \copy}, the GiST index on {@code _full_text} and one per text column under CKAN's names,
     * {@code ANALYZE}.
     */
    static Duration ckanRecipe(String writeUrl, String resourceId, Path csv, Path workDir) throws Exception {
        String table = quote(resourceId);
        StringBuilder script = new StringBuilder("BEGIN;\n");
        script.append("CREATE TABLE ").append(table).append(" (\"_id\" serial primary key, \"_full_text\" tsvector, ")
                .append(typedColumns()).append(");\n");
        script.append("CREATE TRIGGER zfulltext BEFORE INSERT OR UPDATE ON ").append(table)
                .append(" FOR EACH ROW EXECUTE PROCEDURE populate_full_text_trigger();\n");
        script.append(copy(table, csv));
        for (String fields : ckanIndexFields()) {
            script.append("CREATE INDEX ").append(quote(ckanIndexName(resourceId, fields))).append(" ON ").append(table)
                    .append(" USING gist(").append(fields).append(");\n");
        }
        script.append("ANALYZE ").append(table).append(";\nCOMMIT;\n");
        return run(writeUrl, script.toString(), workDir);
    }

    /** The floor: a plain typed table and {@code \copy}, without CKAN's layout, trigger or indexes. */
    static Duration bareCopy(String writeUrl, String table, Path csv, Path workDir) throws Exception {
        String script = "BEGIN;\nCREATE TABLE " + quote(table) + " (" + typedColumns() + ");\n" + copy(quote(table), csv)
                + "COMMIT;\n";
        return run(writeUrl, script, workDir);
    }

    /** The fields strings of the full-text indexes CKAN creates for this file (contract 3.3). */
    static List<String> ckanIndexFields() {
        List<String> fields = new ArrayList<>();
        fields.add(quote("_full_text"));
        for (Column column : BenchmarkCsv.COLUMNS) {
            if (column.text()) {
                fields.add("to_tsvector('" + FTS_LANG + "', " + quote(column.name()) + ")");
            }
        }
        return fields;
    }

    /** CKAN's {@code _generate_index_name}: {@code sha1(resource_id + fields_string)}. */
    static String ckanIndexName(String resourceId, String fields) throws NoSuchAlgorithmException {
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        return HexFormat.of().formatHex(sha1.digest((resourceId + fields).getBytes(StandardCharsets.UTF_8)));
    }

    private static String typedColumns() {
        return BenchmarkCsv.COLUMNS.stream().map(c -> quote(c.name()) + " " + c.type()).collect(Collectors.joining(", "));
    }

    private static String copy(String table, Path csv) {
        String columns = BenchmarkCsv.COLUMNS.stream().map(c -> quote(c.name())).collect(Collectors.joining(", "));
        return "\\copy " + table + " (" + columns + ") FROM '" + csv.toAbsolutePath() + "' WITH (FORMAT csv, HEADER true)\n";
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }

    private static Duration run(String writeUrl, String script, Path workDir) throws Exception {
        Path file = Files.createTempFile(workDir, "recipe-", ".sql");
        Path output = Files.createTempFile(workDir, "recipe-", ".out");
        try {
            Files.writeString(file, script, StandardCharsets.UTF_8);
            ProcessBuilder builder = new ProcessBuilder(PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", writeUrl,
                    "-f", file.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            long start = System.nanoTime();
            Process psql = builder.start();
            psql.getOutputStream().close();
            if (!psql.waitFor(2, TimeUnit.HOURS)) {
                psql.destroyForcibly();
                throw new IllegalStateException("psql ran for more than 2 hours");
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            if (psql.exitValue() != 0) {
                throw new IllegalStateException("psql exited with " + psql.exitValue() + ":\n" + Files.readString(output)
                        + "\nscript:\n" + script);
            }
            return elapsed;
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(output);
        }
    }

    static void requirePsql() throws IOException {
        if (!Files.isExecutable(Path.of(PSQL))) {
            throw new IOException(PSQL + " is missing: the benchmark times the psql recipe with it");
        }
    }
}
