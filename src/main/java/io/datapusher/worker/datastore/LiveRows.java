package io.datapusher.worker.datastore;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The live table's rows as they are now, set against the transaction that last wrote them for the
 * worker: what proves that nobody wrote the table since ({@code datastore_upsert}, {@code
 * datastore_delete}, a hand-made edit), for an incremental load and for the undo of one alike.
 *
 * @param rows         {@code count(*)}
 * @param maxId        {@code max(_id)}, 0 for none
 * @param writtenSince row versions written by a transaction after the recorded one; -1: cannot tell
 * @param columns      the data columns as {@code id:typname}, in table order
 */
record LiveRows(long rows, long maxId, long writtenSince, List<String> columns) {

    private static final long XID_HALF_SPACE = 1L << 31;

    /** @param xid the 64-bit id of the transaction the worker's record names (0: none) */
    static LiveRows read(Connection connection, String resourceId, long oid, long xid) throws SQLException {
        List<String> columns = Jdbc.list(connection, "SELECT a.attname || ':' || t.typname FROM pg_catalog.pg_attribute a"
                + " JOIN pg_catalog.pg_type t ON t.oid = a.atttypid WHERE a.attrelid = ?::oid AND a.attnum > 0"
                + " AND NOT a.attisdropped AND a.attname NOT IN ('_id', '_full_text') ORDER BY a.attnum", row -> row.getString(1), oid);
        // Written after the recorded transaction: a row version whose xmin is newer than it, on the
        // wrapping 32-bit circle; past half the circle that can no longer be told.
        long[] stats = Jdbc.single(connection, "SELECT count(*), coalesce(max(t.\"_id\"), 0),"
                        + " count(*) FILTER (WHERE ((t.xmin::text::bigint - ?) % 4294967296 + 4294967296) % 4294967296 BETWEEN 1 AND"
                        + " ((pg_catalog.txid_snapshot_xmax(pg_catalog.txid_current_snapshot()) - ?) % 4294967296 + 4294967296) % 4294967296),"
                        + " pg_catalog.txid_snapshot_xmax(pg_catalog.txid_current_snapshot()) - ?"
                        + " FROM " + Sql.publicTable(resourceId) + " t",
                row -> new long[] {row.getLong(1), row.getLong(2), row.getLong(3), row.getLong(4)},
                xid % 4294967296L, xid, xid);
        long writtenSince = stats[3] >= XID_HALF_SPACE || stats[3] < 0 ? -1 : stats[2];
        return new LiveRows(stats[0], stats[1], writtenSince, columns);
    }

    /** Whether the table is still exactly what the recorded write left: nothing written since, the same rows and columns. */
    boolean unchangedSince(IncrementalMarker recorded) {
        return writtenSince == 0 && rows == recorded.rows() && maxId == recorded.maxId() && columns.equals(recorded.columns());
    }
}
