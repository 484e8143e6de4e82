package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.analyze.RowStream;
import io.datapusher.worker.progress.JobProgress;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Applies a file to a live table that has a CKAN primary_key, in the caller's transaction: the
 * file goes by a bare COPY (no trigger, no index) into a temporary table of the live types, and
 * the difference is computed in SQL. New keys are inserted, rows whose values changed are updated,
 * keys gone from the file are deleted; every other row is left alone and keeps its {@code _id}.
 *
 * <p>Rows and keys are compared for sameness, not equality: equality of some types is looser
 * ({@code 1.0 = 1.00} in numeric), and a full reload would store the file's own form. See
 * {@link #sameness}.
 */
final class KeyedLoad {

    private static final String STAGE = "pg_temp.\"dpw_keyed\"";
    private static final String MATCH = "pg_temp.\"dpw_keyed_match\"";
    /** Columns of MATCH beside the file's own; a CKAN field name cannot begin with an underscore. */
    private static final String LIVE_ID = "\"_dpw_live_id\"";
    private static final String ACTION = "\"_dpw_action\"";
    private static final String UNIQUE_VIOLATION = "23505";

    private final Connection connection;
    private final String resourceId;
    private final List<LoadResult.Column> columns;
    private final List<String> key;

    /** What the file changes: rows to insert, to update and to delete. */
    record Difference(long inserted, long updated, long deleted) {
    }

    KeyedLoad(Connection connection, String resourceId, List<LoadResult.Column> columns, List<String> key) {
        this.connection = connection;
        this.resourceId = resourceId;
        this.columns = columns;
        this.key = key;
    }

    /**
     * Copies the file into the temporary table and counts what it changes; empty, with nothing
     * written to the live table, when its keys cannot match rows one to one (empty or repeated).
     */
    Optional<Difference> stage(RowStream rows, List<ColumnType> types, Set<Integer> stripped, RowFingerprint fingerprint,
                               JobProgress progress, StringBuilder whyNot) throws SQLException, LoadException {
        Jdbc.execute(connection, "DROP TABLE IF EXISTS " + STAGE);
        Jdbc.execute(connection, "CREATE TEMPORARY TABLE \"dpw_keyed\" (\"_dpw_row\" bigint, "
                + columns.stream().map(c -> Sql.quoteIdent(c.id()) + " " + c.type().sqlName()).collect(Collectors.joining(", "))
                + ") ON COMMIT DROP");
        PGCopyOutputStream out = new PGCopyOutputStream(connection.unwrap(PGConnection.class), "COPY " + STAGE + " (\"_dpw_row\", "
                + columns.stream().map(c -> Sql.quoteIdent(c.id())).collect(Collectors.joining(", ")) + ") FROM STDIN WITH (FORMAT csv)",
                1 << 16);
        try {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            rows.copyTo(fingerprint.around(CopyFill.counted(new RowStream.RowSink() {
                @Override
                public Writer row(long number) throws IOException {
                    writer.write(Long.toString(number));
                    writer.write(',');
                    return writer;
                }

                @Override
                public void rowDone() {
                    // one stream
                }
            }, progress)), types, stripped);
            writer.flush();
            out.endCopy();
        } catch (IOException e) {
            cancelQuietly(out);
            if (e.getCause() instanceof SQLException sql) {
                throw CopyFill.rejected(sql, line -> line);
            }
            throw new LoadException("reading the file for COPY failed: " + e.getMessage() + "; nothing was changed", e);
        } catch (SQLException e) {
            cancelQuietly(out);
            throw CopyFill.rejected(e, line -> line);
        }
        Jdbc.execute(connection, "ANALYZE " + STAGE);
        Optional<String> unusable = unusableKey();
        if (unusable.isPresent()) {
            whyNot.append("the file's primary_key ").append(String.join(", ", key)).append(" has ").append(unusable.get());
            return Optional.empty();
        }
        // One join decides every row: inserted ('i'), deleted ('d'), updated ('u') or left alone ('=').
        // Only the rows that change are kept, with their new values, so that applying them never reads
        // the whole file's table again: the unchanged ones, nearly all of a large file, need no write.
        Jdbc.execute(connection, "DROP TABLE IF EXISTS " + MATCH);
        Jdbc.execute(connection, "CREATE TEMPORARY TABLE \"dpw_keyed_match\" ON COMMIT DROP AS SELECT * FROM (SELECT"
                + " l.\"_id\" AS " + LIVE_ID + ", CASE WHEN l.\"_id\" IS NULL THEN 'i' WHEN s.\"_dpw_row\" IS NULL THEN 'd' WHEN "
                + changed() + " THEN 'u' ELSE '=' END AS " + ACTION + ", s.* FROM " + live() + " l FULL JOIN " + STAGE + " s ON "
                + match() + ") every_row WHERE " + ACTION + " <> '='");
        Jdbc.execute(connection, "ANALYZE " + MATCH);
        return Optional.of(Jdbc.single(connection, "SELECT count(*) FILTER (WHERE " + ACTION + " = 'i'), count(*) FILTER (WHERE "
                        + ACTION + " = 'u'), count(*) FILTER (WHERE " + ACTION + " = 'd') FROM " + MATCH,
                row -> new Difference(row.getLong(1), row.getLong(2), row.getLong(3))));
    }

    /**
     * Why the file's keys cannot match rows one to one: an empty key, or a key that repeats. A
     * unique index on the file's keys is the cheapest proof that none repeats (it sorts once, where
     * a count per key hashes every row); only when it fails are the repeats counted, for the message.
     */
    private Optional<String> unusableKey() throws SQLException {
        String anyNull = key.stream().map(k -> Sql.quoteIdent(k) + " IS NULL").collect(Collectors.joining(" OR "));
        Optional<String> empty = Jdbc.one(connection, "SELECT 'an empty value on row ' || \"_dpw_row\" FROM " + STAGE
                + " WHERE " + anyNull + " LIMIT 1", row -> row.getString(1));
        if (empty.isPresent()) {
            return empty;
        }
        String keys = key.stream().map(Sql::quoteIdent).collect(Collectors.joining(", "));
        Savepoint beforeIndex = connection.setSavepoint();
        try {
            Jdbc.execute(connection, "CREATE UNIQUE INDEX \"dpw_keyed_key\" ON " + STAGE + " (" + keys + ")");
            connection.releaseSavepoint(beforeIndex);
            return Optional.empty();
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            connection.rollback(beforeIndex);
        }
        return Optional.of(Jdbc.one(connection, "SELECT 'a value repeated ' || count(*) || ' times' FROM " + STAGE
                + " GROUP BY " + keys + " HAVING count(*) > 1 LIMIT 1", row -> row.getString(1)).orElse("a repeated value"));
    }

    /**
     * Deletes, updates, then inserts, so that a key whose text changed never meets its old row in the
     * unique index.
     *
     * @param keptIn a table in history ({@link History#createChangeTable}) that receives the old
     *               version of every row updated or deleted and the {@code _id} of every row
     *               inserted, so that the change can be undone; null to keep nothing
     */
    void apply(String keptIn) throws SQLException {
        if (keptIn != null) {
            Jdbc.execute(connection, "INSERT INTO " + kept(keptIn) + " SELECT l.*, m." + ACTION + " FROM " + live() + " l JOIN "
                    + MATCH + " m ON l.\"_id\" = m." + LIVE_ID + " WHERE m." + ACTION + " IN ('u', 'd')");
        }
        Jdbc.execute(connection, "DELETE FROM " + live() + " l USING " + MATCH + " m WHERE m." + ACTION + " = 'd' AND l.\"_id\" = m."
                + LIVE_ID);
        String set = columns.stream().map(c -> Sql.quoteIdent(c.id()) + " = m." + Sql.quoteIdent(c.id()))
                .collect(Collectors.joining(", "));
        // CKAN's trigger fills _full_text only when it is NULL: an update must clear it to have it computed again
        Jdbc.execute(connection, "UPDATE " + live() + " l SET " + set + ", \"_full_text\" = NULL FROM " + MATCH + " m WHERE m."
                + ACTION + " = 'u' AND l.\"_id\" = m." + LIVE_ID);
        String names = columns.stream().map(c -> Sql.quoteIdent(c.id())).collect(Collectors.joining(", "));
        String fromMatch = columns.stream().map(c -> "m." + Sql.quoteIdent(c.id())).collect(Collectors.joining(", "));
        String insert = "INSERT INTO " + live() + " (" + names + ") SELECT " + fromMatch + " FROM " + MATCH + " m WHERE m." + ACTION
                + " = 'i' ORDER BY m.\"_dpw_row\"";
        if (keptIn == null) {
            Jdbc.execute(connection, insert);
        } else {
            Jdbc.execute(connection, "WITH inserted AS (" + insert + " RETURNING \"_id\") INSERT INTO " + kept(keptIn)
                    + " (\"_id\", " + Sql.quoteIdent(Delta.ACTION) + ") SELECT \"_id\", 'i' FROM inserted");
        }
        Jdbc.execute(connection, "DROP TABLE " + MATCH);
        Jdbc.execute(connection, "DROP TABLE " + STAGE);
    }

    private static String kept(String table) {
        return Sql.quoteIdent(Sql.HISTORY_SCHEMA) + "." + Sql.quoteIdent(table);
    }

    private String live() {
        return Sql.publicTable(resourceId);
    }

    private String match() {
        return key.stream().map(k -> sameness("l", k) + " = " + sameness("s", k)).collect(Collectors.joining(" AND "));
    }

    private String changed() {
        return "ROW(" + columns.stream().map(c -> sameness("l", c.id())).collect(Collectors.joining(", "))
                + ") IS DISTINCT FROM ROW(" + columns.stream().map(c -> sameness("s", c.id())).collect(Collectors.joining(", ")) + ")";
    }

    /**
     * The column as compared: its own value where equality is sameness (equal integers, dates and
     * timestamps print the same; text compares byte for byte under the "C" collation, whatever the
     * column's own), its text where it is not ({@code 1.0 = 1.00} in numeric). Comparing values
     * where that is exact lets the join hash the key and spares formatting every value of the file.
     */
    private String sameness(String alias, String column) {
        String value = alias + "." + Sql.quoteIdent(column);
        ColumnType type = columns.stream().filter(c -> c.id().equals(column)).map(LoadResult.Column::type).findFirst()
                .orElse(ColumnType.NUMERIC);
        return switch (type) {
            case NUMERIC -> value + "::text";
            case TEXT -> value + " COLLATE \"C\"";
            default -> value;
        };
    }

    private static void cancelQuietly(PGCopyOutputStream out) {
        try {
            if (out.isActive()) {
                out.cancelCopy();
            }
        } catch (SQLException ignored) {
            // the transaction is rolled back anyway
        }
    }
}
