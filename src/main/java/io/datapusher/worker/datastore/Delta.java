package io.datapusher.worker.datastore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * What a change made in place (an incremental load, or the undo of one) keeps so that it can be
 * undone exactly, instead of a copy of the whole table: the catalog's {@code undo} of a version
 * whose {@code kind} is not {@code full}. The rows it changed are in its history table: the old
 * version of every row it updated ({@code u}) or deleted ({@code d}) with its {@code _id} and
 * {@code _full_text}, and the {@code _id} of every row it inserted ({@code i}), in the column
 * {@value #ACTION}. An append keeps no table: its rows are those after {@code boundary}.
 *
 * @param boundary the greatest {@code _id} before an append, whose rows all follow it; null for other changes
 * @param afterXid the transaction that made the change, as the live table's record names it after:
 *                 only a table still carrying it, with nothing written since, is the table the change left
 * @param before   the live table's record before the change: its rows, {@code _id}s and fingerprint
 * @param sequence the {@code _id} sequence's last value before the change; null when it had given none
 */
record Delta(Long boundary, long afterXid, IncrementalMarker before, Long sequence) {

    /** The column of a change's history table that says what the change did to that row. */
    static final String ACTION = "_dpw_was";

    private static final ObjectMapper JSON = new ObjectMapper();

    String json() {
        ObjectNode node = JSON.createObjectNode();
        if (boundary != null) {
            node.put("boundary", boundary);
        }
        node.put("after_xid", afterXid);
        node.set("before", before.json());
        if (sequence != null) {
            node.put("sequence", sequence);
        }
        return node.toString();
    }

    static Delta parse(String json) throws SQLException {
        try {
            JsonNode node = JSON.readTree(json);
            IncrementalMarker before = IncrementalMarker.of(node.path("before"))
                    .orElseThrow(() -> new SQLException("the history catalog's undo has no record of the table before: " + json));
            return new Delta(node.hasNonNull("boundary") ? node.get("boundary").asLong() : null, node.path("after_xid").asLong(),
                    before, node.hasNonNull("sequence") ? node.get("sequence").asLong() : null);
        } catch (JsonProcessingException e) {
            throw new SQLException("the history catalog's undo cannot be read: " + e.getMessage(), e);
        }
    }

    /** The live table's {@code _id} sequence's last value, null when it has given none (or there is none). */
    static Long sequence(Connection connection, String resourceId) throws SQLException {
        return Jdbc.single(connection, "SELECT pg_catalog.pg_sequence_last_value(pg_catalog.pg_get_serial_sequence(?, '_id')::regclass)",
                row -> {
                    long value = row.getLong(1);
                    return row.wasNull() ? null : value;
                }, Sql.publicTable(resourceId));
    }

    /** Puts the sequence back where it was, so that CKAN's next upsert gets the {@code _id} it would have had. */
    static void resetSequence(Connection connection, String resourceId, Long lastValue) throws SQLException {
        Jdbc.call(connection, "SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence(?, '_id'), ?, ?)",
                Sql.publicTable(resourceId), lastValue == null ? 1 : lastValue, lastValue != null);
    }
}
