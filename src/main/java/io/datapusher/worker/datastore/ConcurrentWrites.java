package io.datapusher.worker.datastore;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Counts what {@code datastore_upsert} and {@code datastore_delete} wrote to the live table while a
 * reload ran. The file is the source, so the swap replaces those rows as any full reload does; the
 * job must say so.
 *
 * <p>Exact, not statistical: a row version written after the load began carries the id of a
 * transaction that had not started then ({@code xmin} at or after the snapshot's {@code xmax}), and
 * the row count at the start tells what went away. Limits: an update counts once as written and
 * once as removed; a write that commits between the count (just before the swap) and the swap's
 * lock is replaced without being counted; a write already in progress when the load began counts
 * as before it. Both counts read the whole live table, outside the swap's lock, so that readers
 * never wait for them.
 */
final class ConcurrentWrites {

    private static final String XID_SPACE = "4294967296";

    private ConcurrentWrites() {
    }

    /** @param nextXid the first transaction id that had not started when the load began */
    record Mark(long nextXid, long rows) {
    }

    static Mark mark(Connection connection, String resourceId) throws SQLException {
        return Jdbc.single(connection, "SELECT pg_catalog.txid_snapshot_xmax(pg_catalog.txid_current_snapshot()),"
                        + " (SELECT count(*) FROM " + Sql.publicTable(resourceId) + ")",
                row -> new Mark(row.getLong(1), row.getLong(2)));
    }

    /** A warning for the job when the live table was written since {@code mark}; empty when it was not, or is gone. */
    static Optional<String> since(Connection connection, String resourceId, Mark mark) throws SQLException {
        if (mark == null || new LiveTableReader(connection).tableOid(resourceId).isEmpty()) {
            return Optional.empty();
        }
        // xmin is 32 bits: "after the mark" is a distance on the wrapping xid circle shorter than the
        // distance from the mark to now.
        long[] counts = Jdbc.single(connection, "SELECT count(*) FILTER (WHERE ((t.xmin::text::bigint - ?) % " + XID_SPACE
                        + " + " + XID_SPACE + ") % " + XID_SPACE + " < ((pg_catalog.txid_snapshot_xmax(pg_catalog.txid_current_snapshot()) - ?) % "
                        + XID_SPACE + " + " + XID_SPACE + ") % " + XID_SPACE + "), count(*) FROM " + Sql.publicTable(resourceId) + " t",
                row -> new long[] {row.getLong(1), row.getLong(2)}, mark.nextXid() % 4294967296L, mark.nextXid());
        long written = counts[0];
        long removed = mark.rows() - (counts[1] - written);
        if (written == 0 && removed <= 0) {
            return Optional.empty();
        }
        return Optional.of("the live table was written while the file was loading (datastore_upsert or datastore_delete): "
                + written + " row(s) written and " + Math.max(removed, 0) + " deleted or overwritten since the load began;"
                + " the file is the source, so the new table does not have those changes, as with any full reload");
    }
}
