package io.datapusher.worker.datastore;

import io.datapusher.worker.datastore.LiveTableReader.LiveIndex;
import io.datapusher.worker.datastore.LiveTableReader.UserTrigger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Brings a kept version of a resource's table back, by the load's own swap ({@link TableSwap}): in
 * one short transaction under the resource's lock, so readers see the live table or the restored
 * one, whole, and a load of the same resource waits for it or it for the load. The table that was
 * live goes into history in its turn, so a second restore undoes the first. The version keeps its
 * own Data Dictionary (column comments) and indexes as they were when it was replaced; the live
 * table's alias views, grants and triggers are carried over as a load carries them.
 *
 * <p>A version an incremental load changed in place was not kept whole, only that change: it comes
 * back by undoing the change in the live table ({@link InPlaceUndo}), not by a swap.
 */
final class Restore {

    private final Connection connection;
    private final LoaderSettings settings;
    private final History history;

    Restore(Connection connection, LoaderSettings settings, History history) {
        this.connection = connection;
        this.settings = settings;
        this.history = history;
    }

    /**
     * In the caller's transaction, which holds the resource's lock; the caller commits.
     *
     * @param version the job id (or kept table) of the version to bring back; null: the newest
     */
    RestoreResult run(String resourceId, String jobId, String version, Instant jobCreatedAt) throws SQLException, LoadException {
        long started = System.nanoTime();
        HistoryVersion kept = check(connection, history, resourceId, version);
        if (!HistoryVersion.FULL.equals(kept.kind())) {
            List<HistoryVersion> changes = InPlaceUndo.check(connection, resourceId, history.versions(connection, resourceId), kept);
            return new InPlaceUndo(connection, history).run(resourceId, jobId, kept, changes, currentFileHash(resourceId),
                    jobCreatedAt);
        }
        // Counted before the swap, not under its lock: nobody writes a kept table.
        long rows = Jdbc.single(connection, "SELECT pg_catalog.count(*) FROM " + kept.qualified(), row -> row.getLong(1));
        String fileHash = currentFileHash(resourceId);
        LoadRequest request = new LoadRequest(resourceId, jobId, fileHash, null, null, jobCreatedAt);
        TableSwap.Outcome outcome = TableSwap.restore(connection, settings, request, kept, rows, history, TableSwap.Clock.SYSTEM)
                .run();
        return new RestoreResult(kept.version(), fileHash, rows, kept.columns().size(),
                (System.nanoTime() - started) / 1_000_000, outcome.attempts(), Instant.now(), 0);
    }

    /**
     * The md5 of the resource's file as the live table's marker has it: the restore leaves it as
     * CKAN's {@code hash} and in the restored table's marker, so that CKAN's own resubmit after the
     * restore's {@code resource_patch} (its datapusher plugin submits on every update) finds the file
     * unchanged and is skipped, instead of loading that file again over the restored data. An
     * explicit reload ({@code ignore_hash}, CKAN's "Upload to DataStore") still loads it.
     */
    private String currentFileHash(String resourceId) throws SQLException {
        return new LiveTableReader(connection).describe(resourceId).flatMap(LiveTable::marker)
                .map(LiveTable.Marker::hash).filter(hash -> !hash.isEmpty()).orElse(null);
    }

    /**
     * What a restore of {@code version} would be refused for, or the version it would bring back:
     * asked by the REST API before it creates the job, and again under the lock.
     */
    static HistoryVersion check(Connection connection, History history, String resourceId, String version)
            throws SQLException, RestoreRefusedException {
        if (!history.policy().enabled() && history.versions(connection, resourceId).isEmpty()) {
            throw new RestoreRefusedException(RestoreRefusedException.Reason.CONFLICT, "resource " + resourceId
                    + " has no kept versions: history is off (INGEST_HISTORY_VERSIONS=0), so replaced tables are dropped");
        }
        List<HistoryVersion> versions = history.versions(connection, resourceId);
        if (versions.isEmpty()) {
            throw new RestoreRefusedException(RestoreRefusedException.Reason.CONFLICT, "resource " + resourceId
                    + " has no kept versions: it was never reloaded by the worker, or its versions passed the retention"
                    + " (INGEST_HISTORY_VERSIONS, INGEST_HISTORY_MAX_AGE, INGEST_HISTORY_MAX_BYTES)");
        }
        Optional<HistoryVersion> found = history.find(connection, resourceId, version);
        if (found.isEmpty()) {
            throw new RestoreRefusedException(RestoreRefusedException.Reason.UNKNOWN_VERSION, "resource " + resourceId
                    + " has no kept version " + version + "; GET /api/resources/" + resourceId + "/history lists them");
        }
        LiveTableReader reader = new LiveTableReader(connection);
        Optional<Long> live = reader.tableOid(resourceId).stream().boxed().findFirst();
        if (live.isEmpty()) {
            throw new RestoreRefusedException(RestoreRefusedException.Reason.CONFLICT, "resource " + resourceId
                    + " has no live table (it was deleted in CKAN, or its DataStore table was); a restore replaces a live table");
        }
        if (!HistoryVersion.FULL.equals(found.get().kind())) {
            InPlaceUndo.check(connection, resourceId, versions, found.get());
            return found.get();
        }
        checkLiveKeysFit(resourceId, reader.indexes(live.get()), found.get());
        return found.get();
    }

    /** A Data Dictionary primary_key of the live table must hold on the restored columns, or the restore is refused. */
    static void checkLiveKeysFit(String resourceId, List<LiveIndex> liveIndexes, HistoryVersion version)
            throws RestoreRefusedException {
        for (LiveIndex index : liveIndexes) {
            if (index.isCkanPrimaryKey(resourceId)) {
                List<String> missing = index.columns().stream().filter(c -> !version.hasColumn(c)).toList();
                if (!missing.isEmpty()) {
                    throw new RestoreRefusedException(RestoreRefusedException.Reason.CONFLICT, "the live table's primary_key"
                            + " uses column(s) " + String.join(", ", missing) + " that version " + version.version()
                            + " does not have; remove the primary_key from the Data Dictionary first. Nothing was changed");
                }
            }
        }
    }

    /**
     * A primary_key set on the live table after the version was replaced is built on it too, so that
     * CKAN's upserts keep working; rows it does not hold fail the restore, which changes nothing.
     */
    static void carryLiveKeys(Connection connection, String resourceId, List<LiveIndex> liveIndexes, HistoryVersion version)
            throws SQLException, LoadException {
        Set<String> own = Set.copyOf(version.renamed().values());
        for (LiveIndex index : liveIndexes) {
            if (index.isCkanPrimaryKey(resourceId) && !own.contains(index.name()) && index.definitionAfterTable() != null) {
                Jdbc.execute(connection, "SAVEPOINT dpw_key");
                try {
                    Jdbc.execute(connection, "CREATE UNIQUE INDEX " + Sql.quoteIdent(index.name()) + " ON "
                            + Sql.publicTable(resourceId) + " " + index.definitionAfterTable());
                    Jdbc.execute(connection, "RELEASE SAVEPOINT dpw_key");
                } catch (SQLException e) {
                    Jdbc.execute(connection, "ROLLBACK TO SAVEPOINT dpw_key");
                    if ("55P03".equals(e.getSQLState())) {
                        throw e;
                    }
                    throw new RestoreRefusedException(RestoreRefusedException.Reason.CONFLICT, "version " + version.version()
                            + " does not hold the live table's primary_key " + index.name() + " (" + Sql.serverMessage(e)
                            + "); nothing was changed");
                }
            }
        }
    }

    /** The restored table keeps its own triggers; the live table's others are created on it, as a load does. */
    static List<UserTrigger> missingTriggers(LiveTableReader reader, long restoredOid, List<UserTrigger> liveTriggers)
            throws SQLException {
        Set<String> own = reader.userTriggers(restoredOid).stream().map(UserTrigger::name).collect(Collectors.toSet());
        return liveTriggers.stream().filter(t -> !own.contains(t.name())).toList();
    }
}
