package io.datapusher.worker.datastore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datapusher.worker.analyze.Analysis;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the worker writes down at each load, beside its marker in the live table's comment, so that
 * the next load can prove the live table is still exactly what that load made, and how the new
 * file relates to it: the {@code incremental} member of the {@code datapusher_worker} object.
 *
 * @param rows     rows the load left in the table
 * @param maxId    the greatest {@code _id} it left (0 for none)
 * @param digest   the {@link RowFingerprint} of every row loaded, in {@code _id} order
 * @param xid      the 64-bit id of the transaction that committed the load: a row version written
 *                 by any later transaction is a write the worker did not make
 * @param columns  each data column as {@code id:typname}, in table order
 * @param encoding the file's encoding as the analysis read it
 * @param format   the file's dialect as the analysis described it
 * @param checkpoints the {@link RowFingerprint#checkpoints} of the rows loaded; empty when the load kept
 *                    none (a keyed load, or a record older than them)
 */
public record IncrementalMarker(long rows, long maxId, String digest, long xid, List<String> columns, String encoding,
                         String format, List<String> checkpoints) {

    public IncrementalMarker {
        checkpoints = checkpoints == null ? List.of() : List.copyOf(checkpoints);
    }

    public IncrementalMarker(long rows, long maxId, String digest, long xid, List<String> columns, String encoding,
                             String format) {
        this(rows, maxId, digest, xid, columns, encoding, format, List.of());
    }

    static final String MEMBER = "incremental";

    static Optional<IncrementalMarker> read(String tableComment) {
        if (tableComment == null) {
            return Optional.empty();
        }
        Optional<JsonNode> parsed = PythonJson.parse(tableComment);
        return parsed.flatMap(p -> of(p.path("datapusher_worker").path(MEMBER)));
    }

    /** The record as {@link #json} wrote it; empty when it is not one. */
    static Optional<IncrementalMarker> of(JsonNode node) {
        if (node == null || !node.isObject() || !node.path("digest").isTextual() || !node.path("xid").canConvertToLong()
                || !node.path("columns").isArray()) {
            return Optional.empty();
        }
        List<String> columns = new ArrayList<>();
        node.path("columns").forEach(c -> columns.add(c.asText()));
        List<String> checkpoints = new ArrayList<>();
        node.path("checkpoints").forEach(c -> checkpoints.add(c.asText()));
        return Optional.of(new IncrementalMarker(node.path("rows").asLong(-1), node.path("max_id").asLong(-1),
                node.path("digest").asText(), node.path("xid").asLong(), List.copyOf(columns),
                node.path("encoding").asText(null), node.path("format").asText(null), checkpoints));
    }

    ObjectNode json() {
        ObjectNode mine = JsonNodeFactory.instance.objectNode();
        mine.put("rows", rows);
        mine.put("max_id", maxId);
        mine.put("digest", digest);
        mine.put("xid", xid);
        ArrayNode ids = mine.putArray("columns");
        columns.forEach(ids::add);
        mine.put("encoding", encoding);
        mine.put("format", format);
        if (!checkpoints.isEmpty()) {
            ArrayNode kept = mine.putArray("checkpoints");
            checkpoints.forEach(kept::add);
        }
        return mine;
    }

    static List<String> columnsOf(List<LoadResult.Column> columns) {
        return columns.stream().map(c -> c.id() + ":" + c.type().typname()).toList();
    }

    /**
     * Adds this load's record to the marker the swap (or an incremental load) just wrote, in the
     * same transaction: {@code txid_current()} is then the committing transaction's own id.
     */
    static void write(Connection connection, String resourceId, List<LoadResult.Column> columns, Analysis analysis,
                      long rows, long maxId, String digest) throws SQLException {
        write(connection, resourceId, columns, analysis, rows, maxId, digest, List.of());
    }

    /** @param fingerprint every row loaded, in {@code _id} order: its digest and checkpoints are written down */
    static void write(Connection connection, String resourceId, List<LoadResult.Column> columns, Analysis analysis,
                      long rows, long maxId, RowFingerprint fingerprint) throws SQLException {
        write(connection, resourceId, columns, analysis, rows, maxId, fingerprint.hex(), fingerprint.checkpoints());
    }

    private static void write(Connection connection, String resourceId, List<LoadResult.Column> columns, Analysis analysis,
                              long rows, long maxId, String digest, List<String> checkpoints) throws SQLException {
        write(connection, resourceId, new IncrementalMarker(rows, maxId, digest, 0, columnsOf(columns), analysis.encoding(),
                analysis.format(), checkpoints));
    }

    /**
     * Writes {@code recorded} as the live table's record, with the current transaction's id in place
     * of its own: an undo puts back the record of the table it brings back, as written by itself.
     */
    static void write(Connection connection, String resourceId, IncrementalMarker recorded) throws SQLException {
        String table = Sql.publicTable(resourceId);
        String comment = Jdbc.single(connection, "SELECT pg_catalog.obj_description(" + Sql.quoteLiteral(table)
                + "::regclass, 'pg_class')", row -> row.getString(1));
        Optional<JsonNode> parsed = comment == null ? Optional.empty() : PythonJson.parse(comment);
        if (parsed.isEmpty() || !parsed.get().path("datapusher_worker").isObject()) {
            return;
        }
        long xid = Jdbc.single(connection, "SELECT pg_catalog.txid_current()", row -> row.getLong(1));
        ObjectNode mine = new IncrementalMarker(recorded.rows, recorded.maxId, recorded.digest, xid, recorded.columns,
                recorded.encoding, recorded.format, recorded.checkpoints).json();
        // first among the marker's members, so that the marker still ends as it did before this member existed
        ObjectNode marker = JsonNodeFactory.instance.objectNode();
        marker.set(MEMBER, mine);
        parsed.get().get("datapusher_worker").fields().forEachRemaining(e -> {
            if (!MEMBER.equals(e.getKey())) {
                marker.set(e.getKey(), e.getValue());
            }
        });
        ((ObjectNode) parsed.get()).set("datapusher_worker", marker);
        Jdbc.execute(connection, "COMMENT ON TABLE " + table + " IS " + Sql.quoteLiteral(PythonJson.dumps(parsed.get(), true)));
    }
}
