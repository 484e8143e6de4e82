package io.datapusher.worker.datastore;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Collectors;

/**
 * The restore of a version an incremental load changed in place ({@link HistoryVersion#APPEND},
 * {@link HistoryVersion#KEYED}), or an earlier undo did ({@link HistoryVersion#UNDO}): the changes
 * made since, newest first, are undone in the live table, in the caller's transaction under the
 * resource's lock. Rows an append added go, rows a keyed load inserted go, and the rows it updated
 * or deleted come back as they were, with their {@code _id} and {@code _full_text}; the live
 * table's record, its {@code _id} sequence and 2.12's cached row count are put back too. The table
 * stays the same table: readers are never blocked, and its Data Dictionary, indexes, aliases and
 * grants are untouched.
 *
 * <p>An undo is exact or refused: the live table must be exactly what the newest change left, as
 * an incremental load proves it ({@link LiveRows}). What the undo itself changed is kept in its
 * turn, as a change of kind {@code undo}, so that restoring the version it left undoes the undo.
 */
final class InPlaceUndo {

    private static final String ACTION = Sql.quoteIdent(Delta.ACTION);

    private final Connection connection;
    private final History history;

    InPlaceUndo(Connection connection, History history) {
        this.connection = connection;
        this.history = history;
    }

    /**
     * The changes to undo to bring {@code target} back, newest first and ending with it; refused,
     * changing nothing, when the undo could not be exact.
     *
     * @param versions the resource's versions, newest first
     */
    static List<HistoryVersion> check(Connection connection, String resourceId, List<HistoryVersion> versions,
                                      HistoryVersion target) throws SQLException, RestoreRefusedException {
        List<HistoryVersion> chain = new ArrayList<>();
        for (HistoryVersion version : versions) {
            if (HistoryVersion.FULL.equals(version.kind())) {
                throw refused("version " + target.version() + " was changed in place by job " + target.replacedByJob()
                        + ", and the table it changed was replaced since by job " + version.replacedByJob()
                        + "; only a version kept whole can be restored from here");
            }
            chain.add(version);
            if (version.table().equals(target.table())) {
                break;
            }
        }
        for (int i = 0; i + 1 < chain.size(); i++) {
            if (chain.get(i).delta().before().xid() != chain.get(i + 1).delta().afterXid()) {
                throw refused("the changes kept since version " + target.version() + " do not follow one another");
            }
        }
        LiveTableReader reader = new LiveTableReader(connection);
        OptionalLong oid = reader.tableOid(resourceId);
        Delta newest = chain.get(0).delta();
        IncrementalMarker recorded = oid.isEmpty() ? null
                : IncrementalMarker.read(reader.tableComment(oid.getAsLong())).orElse(null);
        if (recorded == null || recorded.xid() != newest.afterXid()) {
            throw refused("the live table is no longer the one job " + chain.get(0).replacedByJob()
                    + " changed (a later load or restore replaced it)");
        }
        if (!LiveRows.read(connection, resourceId, oid.getAsLong(), newest.afterXid()).unchangedSince(recorded)) {
            throw refused("the live table was written since the worker's last load (datastore_upsert or datastore_delete,"
                    + " or it cannot be told), so undoing job " + chain.get(0).replacedByJob() + " would not give back version "
                    + target.version() + " exactly");
        }
        if (!reader.userTriggers(oid.getAsLong()).isEmpty()) {
            throw refused("the live table has triggers of its own, which the undo would fire");
        }
        return chain;
    }

    private static RestoreRefusedException refused(String why) {
        return new RestoreRefusedException(RestoreRefusedException.Reason.CONFLICT, why + ". Nothing was changed");
    }

    /** @param fileHash the md5 of the resource's current file, which the marker keeps (see {@link Restore}) */
    RestoreResult run(String resourceId, String jobId, HistoryVersion target, List<HistoryVersion> chain, String fileHash,
                      Instant jobCreatedAt) throws SQLException {
        long started = System.nanoTime();
        LiveTableReader reader = new LiveTableReader(connection);
        String commentNow = reader.tableComment(reader.tableOid(resourceId).orElseThrow());
        IncrementalMarker recordNow = IncrementalMarker.read(commentNow).orElseThrow();
        Long sequenceNow = Delta.sequence(connection, resourceId);
        String inverse = history.usable(connection) ? history.createChangeTable(connection, resourceId) : null;
        for (HistoryVersion change : chain) {
            undo(resourceId, change, inverse);
            history.forget(connection, change);
        }
        if (inverse != null) {
            // Rows the undo put back with an _id it took away are replaced, not added, when the undo is undone;
            // rows it added and then took away again were never there.
            Jdbc.execute(connection, "UPDATE " + qualified(inverse) + " v SET " + ACTION + " = 'u' WHERE v." + ACTION
                    + " = 'd' AND EXISTS (SELECT 1 FROM " + live(resourceId) + " l WHERE l.\"_id\" = v.\"_id\")");
            Jdbc.execute(connection, "DELETE FROM " + qualified(inverse) + " v WHERE v." + ACTION + " = 'i' AND NOT EXISTS"
                    + " (SELECT 1 FROM " + live(resourceId) + " l WHERE l.\"_id\" = v.\"_id\")");
        }
        Delta oldest = chain.get(chain.size() - 1).delta();
        Map<String, Object> marker = LoadMarker.of(new LoadRequest(resourceId, jobId, fileHash, null, null, jobCreatedAt));
        marker.put("restored_version", target.version());
        marker.put("restored_hash", target.hash() == null ? "" : target.hash());
        LoadMarker.write(connection, resourceId, marker);
        IncrementalMarker.write(connection, resourceId, oldest.before());
        Delta.resetSequence(connection, resourceId, oldest.sequence());
        LoadMarker.recacheRowCount(connection, resourceId, oldest.before().rows());
        if (inverse != null) {
            long xid = Jdbc.single(connection, "SELECT pg_catalog.txid_current()", row -> row.getLong(1));
            history.recordChange(connection, resourceId, inverse, HistoryVersion.UNDO, commentNow, jobId,
                    new Delta(null, xid, recordNow, sequenceNow));
        }
        return new RestoreResult(target.version(), fileHash, oldest.before().rows(), target.columns().size(),
                (System.nanoTime() - started) / 1_000_000, 1, Instant.now(), chain.size());
    }

    /**
     * One change undone: the rows it added or replaced go, the rows it replaced or deleted come back.
     * Each row the undo takes away or puts back is noted in {@code inverse} the first time it is touched.
     */
    private void undo(String resourceId, HistoryVersion change, String inverse) throws SQLException {
        Delta delta = change.delta();
        boolean kept = !HistoryVersion.APPEND.equals(change.kind());
        List<String> gone = new ArrayList<>();
        if (delta.boundary() != null) {
            gone.add("l.\"_id\" > " + delta.boundary());
        }
        if (kept) {
            gone.add("l.\"_id\" IN (SELECT k.\"_id\" FROM " + change.qualified() + " k WHERE k." + ACTION + " IN ('i', 'u'))");
        }
        String goneRows = "(" + String.join(" OR ", gone) + ")";
        if (inverse != null) {
            Jdbc.execute(connection, "INSERT INTO " + qualified(inverse) + " SELECT l.*, 'd' FROM " + live(resourceId) + " l WHERE "
                    + goneRows + " AND NOT EXISTS (SELECT 1 FROM " + qualified(inverse) + " v WHERE v.\"_id\" = l.\"_id\")");
        }
        Jdbc.execute(connection, "DELETE FROM " + live(resourceId) + " l WHERE " + goneRows);
        if (!kept) {
            return;
        }
        if (inverse != null) {
            Jdbc.execute(connection, "INSERT INTO " + qualified(inverse) + " (\"_id\", " + ACTION + ") SELECT k.\"_id\", 'i' FROM "
                    + change.qualified() + " k WHERE k." + ACTION + " IN ('u', 'd') AND NOT EXISTS (SELECT 1 FROM "
                    + qualified(inverse) + " v WHERE v.\"_id\" = k.\"_id\")");
        }
        String columns = Jdbc.list(connection, "SELECT pg_catalog.quote_ident(a.attname) FROM pg_catalog.pg_attribute a"
                        + " WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attname <> ?"
                        + " ORDER BY a.attnum", row -> row.getString(1), change.qualified(), Delta.ACTION)
                .stream().collect(Collectors.joining(", "));
        // _full_text comes back as it was: CKAN's trigger computes it only where it is NULL
        Jdbc.execute(connection, "INSERT INTO " + live(resourceId) + " (" + columns + ") SELECT " + columns + " FROM "
                + change.qualified() + " WHERE " + ACTION + " IN ('u', 'd') ORDER BY \"_id\"");
    }

    private static String live(String resourceId) {
        return Sql.publicTable(resourceId);
    }

    private static String qualified(String table) {
        return Sql.quoteIdent(Sql.HISTORY_SCHEMA) + "." + Sql.quoteIdent(table);
    }
}
