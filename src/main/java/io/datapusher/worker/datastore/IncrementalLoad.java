package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.datastore.IncrementalDecision.Decision;
import io.datapusher.worker.datastore.IncrementalDecision.Facts;
import io.datapusher.worker.datastore.IncrementalDecision.Prefix;
import io.datapusher.worker.progress.JobProgress;
import io.datapusher.worker.progress.Phase;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tries to load a file into the live table without rebuilding it: gathers what the worker knows,
 * lets {@link IncrementalDecision} choose, and runs {@link AppendLoad} or {@link KeyedLoad} in one
 * transaction under the resource's lock. Whatever it cannot prove, or any failure that is not an
 * outage, rolls back and hands the file to the full load with the reason. With history on, the
 * same transaction records the change in {@link History}, so that a restore can undo it.
 */
public class IncrementalLoad {

    private static final Logger LOG = Logger.getLogger(IncrementalLoad.class);

    private final DatastoreConnections connections;
    private final double maxFraction;
    private final History history;
    private final Map<String, Connection> running = new ConcurrentHashMap<>();

    public IncrementalLoad(DatastoreConnections connections, double maxFraction) {
        this(connections, maxFraction, new History(connections, HistoryPolicy.DEFAULT));
    }

    /**
     * @param history where each incremental load records its change, so that a restore can undo it
     *                as it undoes a full load (nothing is recorded when history is off)
     */
    public IncrementalLoad(DatastoreConnections connections, double maxFraction, History history) {
        this.connections = connections;
        this.maxFraction = maxFraction;
        this.history = history;
    }

    /**
     * @param path     the path taken: {@link LoadPath#FULL} means nothing was written and the full load must run
     * @param reason   why that path
     * @param result   for an incremental load, what it did
     */
    public record Outcome(LoadPath path, String reason, long inserted, long updated, long deleted, LoadResult result) {

        static Outcome full(String reason) {
            return new Outcome(LoadPath.FULL, reason, 0, 0, 0, null);
        }
    }

    /** Stops a running incremental load of that job; it rolls back. */
    public boolean cancel(String jobId) {
        Connection connection = running.get(jobId);
        if (connection == null) {
            return false;
        }
        Parallel.cancelAll(List.of(connection));
        return true;
    }

    /**
     * @param forceFull {@code "full": true} on the job
     * @throws LoadException only for an outage of the DataStore database (the job is retried) or
     *                       when another load holds the resource; everything else is a full load
     */
    public Outcome tryLoad(LoadRequest request, boolean forceFull) throws LoadException {
        return tryLoad(request, forceFull, JobProgress.untracked());
    }

    /** @param progress the job's counters: the rows of the new file as they are read, prefix included */
    public Outcome tryLoad(LoadRequest request, boolean forceFull, JobProgress progress) throws LoadException {
        if (forceFull) {
            return Outcome.full(IncrementalDecision.decide(new Facts(true, maxFraction, Optional.empty(), List.of(), 0, 0, 0,
                    false, false, false, Optional.empty(), List.of(), null, null, 0, Prefix.UNCHECKED)).reason());
        }
        Connection connection;
        try {
            connection = connections.open();
        } catch (SQLException e) {
            throw new LoadException("cannot connect to the DataStore database: " + e.getMessage(), e);
        }
        running.put(request.jobId(), connection);
        try {
            history.prepare(connection);
            connection.setAutoCommit(false);
            Outcome outcome = run(connection, request, progress);
            if (outcome.path() == LoadPath.FULL) {
                connection.rollback();
            } else {
                connection.commit();
                // as after a swap: the resource's versions beyond the retention go now
                history.trimQuietly(request.resourceId());
            }
            return outcome;
        } catch (ResourceBusyException e) {
            throw e;
        } catch (SQLException | LoadException | RuntimeException e) {
            rollbackQuietly(connection);
            LoadException failure = e instanceof LoadException load ? load : new LoadException(e.getMessage(), e);
            if (failure.isTransient()) {
                throw new LoadException("the DataStore database became unavailable during an incremental load; nothing was"
                        + " changed: " + failure.getMessage(), e);
            }
            String reason = e instanceof SQLException sql ? Sql.serverMessage(sql) : e.getMessage();
            LOG.warnf("Resource %s: the incremental load failed, loading the whole file instead: %s", request.resourceId(), reason);
            return Outcome.full("the incremental load failed (" + reason + ")");
        } finally {
            running.remove(request.jobId(), connection);
            try {
                connection.close();
            } catch (SQLException ignored) {
                // rolled back with the connection
            }
        }
    }

    private Outcome run(Connection connection, LoadRequest request, JobProgress progress) throws SQLException, LoadException {
        String rid = request.resourceId();
        Jdbc.call(connection, "SELECT pg_catalog.set_config('search_path', 'public', true)");
        Jdbc.call(connection, "SELECT pg_catalog.set_config('standard_conforming_strings', 'on', true)");
        Jdbc.call(connection, "SELECT pg_catalog.set_config('statement_timeout', ?, true)", statementTimeout(request));
        Jdbc.call(connection, "SELECT pg_catalog.set_config('idle_in_transaction_session_timeout', '0', true)");
        // Each statement here runs once, over a million rows at most: compiling it costs more than it saves
        // (half a second for the keyed join, measured). The keyed path's join and its temporary tables fit
        // in memory at a million rows with these, where the defaults spill them to disk.
        Jdbc.call(connection, "SELECT pg_catalog.set_config('jit', 'off', true)");
        // The scan that proves nobody wrote the table runs while the file is read on the other core; parallel
        // workers would only take that core from the read, which is the longer of the two.
        Jdbc.call(connection, "SELECT pg_catalog.set_config('max_parallel_workers_per_gather', '0', true)");
        Jdbc.call(connection, "SELECT pg_catalog.set_config('work_mem', '64MB', true)");
        Jdbc.call(connection, "SELECT pg_catalog.set_config('temp_buffers', '256MB', true)");
        if (connection.getMetaData().getDatabaseMajorVersion() >= 14) {
            // a backend whose worker died stops at its next check, and frees the resource's lock
            Jdbc.call(connection, "SELECT pg_catalog.set_config('client_connection_check_interval', '5000ms', true)");
        }
        ResourceLock.claim(connection, rid, true);
        LiveTableReader reader = new LiveTableReader(connection);
        OptionalLong oid = reader.tableOid(rid);
        if (oid.isEmpty()) {
            return Outcome.full("there is no live table yet");
        }
        Optional<LiveTable> live = reader.describe(rid);
        Optional<LiveTable.Marker> marker = live.flatMap(LiveTable::marker);
        if (marker.isPresent() && request.jobCreatedAt() != null && marker.get().jobCreatedAt() != null
                && marker.get().jobCreatedAt().isAfter(request.jobCreatedAt())) {
            return Outcome.full("a newer job loaded the live table");
        }
        Optional<IncrementalMarker> recorded = IncrementalMarker.read(reader.tableComment(oid.getAsLong()));
        List<String> warnings = new ArrayList<>();
        List<LoadResult.Column> columns = DatastoreLoader.finalColumns(request.analysis(), live, warnings);
        List<ColumnType> types = columns.stream().map(LoadResult.Column::type).toList();
        Set<Integer> stripped = DatastoreLoader.strippedColumns(columns, live);
        Found found = new Found(oid.getAsLong(), live, marker, recorded, columns, types, stripped, warnings);
        // The file is read against the loaded rows on another thread while this one reads the table:
        // at a million rows each takes a good part of an append's time.
        try (AppendLoad append = recorded.isPresent() && IncrementalMarker.columnsOf(columns).equals(recorded.get().columns())
                ? AppendLoad.start(rid, columns, recorded.get(), request.analysis().rowStream(), types, stripped, progress)
                : null) {
            return run(connection, request, reader, found, append, progress);
        }
    }

    /** What the load found of the live table before it decides, and the columns the file loads as. */
    private record Found(long oid, Optional<LiveTable> live, Optional<LiveTable.Marker> marker,
                         Optional<IncrementalMarker> recorded, List<LoadResult.Column> columns, List<ColumnType> types,
                         Set<Integer> stripped, List<String> warnings) {
    }

    /** @param append the file's read against the loaded rows, started; null when no append is possible */
    private Outcome run(Connection connection, LoadRequest request, LiveTableReader reader, Found found, AppendLoad append,
                        JobProgress progress) throws SQLException, LoadException {
        String rid = request.resourceId();
        long oid = found.oid();
        Optional<IncrementalMarker> recorded = found.recorded();
        List<LoadResult.Column> columns = found.columns();
        List<String> warnings = found.warnings();
        Facts facts = facts(connection, reader, rid, oid, recorded, found.marker(), request, columns);
        Decision decision = IncrementalDecision.decide(facts);
        long start = System.nanoTime();
        Before before = new Before(reader.tableComment(oid), recorded.orElse(null), Delta.sequence(connection, rid),
                found.live().orElse(null), facts.liveRows());
        if (decision.path() == LoadPath.APPEND) {
            Optional<Long> inserted = append == null ? Optional.empty() : append.insert(connection);
            if (inserted.isPresent()) {
                long rows = recorded.get().rows() + inserted.get();
                Outcome outcome = finish(connection, request, columns, rows, rows, append.fingerprint(), LoadPath.APPEND,
                        inserted.get(), 0, 0, start, warnings, before);
                if (history.usable(connection)) {
                    history.recordChange(connection, rid, history.appendEntryName(rid), HistoryVersion.APPEND, before.comment(),
                            request.jobId(), before.delta(connection, recorded.get().maxId()));
                }
                return outcome;
            }
            decision = IncrementalDecision.decide(facts.withPrefix(Prefix.DIFFERS));
        }
        if (append != null) {
            // not an append: the read stops, and leaves both cores to the keyed path
            append.close();
        }
        RowFingerprint fingerprint = new RowFingerprint();
        if (decision.path() == LoadPath.KEYED) {
            KeyedLoad keyed = new KeyedLoad(connection, rid, columns, facts.keyColumns().orElseThrow());
            StringBuilder whyNot = new StringBuilder();
            progress.enter(Phase.FILL);
            Optional<KeyedLoad.Difference> difference = keyed.stage(request.analysis().rowStream(), found.types(),
                    found.stripped(), fingerprint, progress, whyNot);
            if (difference.isEmpty()) {
                return Outcome.full(whyNot.toString());
            }
            KeyedLoad.Difference d = difference.get();
            Optional<String> tooLarge = IncrementalDecision.keyedTooLarge(d.inserted(), d.updated(), d.deleted(), facts.liveRows(),
                    fingerprint.rows(), maxFraction);
            if (tooLarge.isPresent()) {
                return Outcome.full(tooLarge.get());
            }
            String kept = history.usable(connection) ? history.createChangeTable(connection, rid) : null;
            keyed.apply(kept);
            // The rows this load leaves, from the rows it found and what it changed: no second scan of the
            // table, and a write by anyone else since shows as a count that does not match next time.
            long rows = facts.liveRows() + d.inserted() - d.deleted();
            long maxId = Jdbc.single(connection, "SELECT coalesce(max(\"_id\"), 0) FROM " + Sql.publicTable(rid),
                    row -> row.getLong(1));
            // The rows are no longer in file order: the next file cannot be an append of this one.
            Outcome outcome = finish(connection, request, columns, rows, maxId, null, LoadPath.KEYED, d.inserted(),
                    d.updated(), d.deleted(), start, warnings, before);
            if (kept != null) {
                history.recordChange(connection, rid, kept, HistoryVersion.KEYED, before.comment(), request.jobId(),
                        before.delta(connection, null));
            }
            return outcome;
        }
        return Outcome.full(decision.reason());
    }

    private Facts facts(Connection connection, LiveTableReader reader, String rid, long oid, Optional<IncrementalMarker> recorded,
                        Optional<LiveTable.Marker> marker, LoadRequest request, List<LoadResult.Column> columns)
            throws SQLException {
        LiveRows now = LiveRows.read(connection, rid, oid, recorded.map(IncrementalMarker::xid).orElse(0L));
        List<String> liveColumns = now.columns();
        String trigger = Jdbc.one(connection, "SELECT t.tgenabled::text FROM pg_catalog.pg_trigger t WHERE t.tgrelid = ?::oid"
                + " AND t.tgname = 'zfulltext'", row -> row.getString(1), oid).orElse("");
        Optional<List<String>> key = key(reader.indexes(oid), rid, liveColumns);
        return new Facts(false, maxFraction, recorded, liveColumns, now.rows(), now.maxId(), now.writtenSince(),
                marker.map(m -> !m.pendingIndexes().isEmpty()).orElse(false), "O".equals(trigger),
                !reader.userTriggers(oid).isEmpty(), key, IncrementalMarker.columnsOf(columns), request.analysis().encoding(),
                request.analysis().format(), request.analysis().rows(), Prefix.UNCHECKED);
    }

    /** The columns of CKAN's primary_key, when the table has exactly one and it is on plain columns. */
    private static Optional<List<String>> key(List<LiveTableReader.LiveIndex> indexes, String rid, List<String> liveColumns) {
        List<LiveTableReader.LiveIndex> keys = indexes.stream().filter(i -> i.unique() && !i.primary()).toList();
        if (keys.size() != 1 || !keys.get(0).isCkanPrimaryKey(rid) || keys.get(0).ckanFields().orElse("").contains("((")) {
            return Optional.empty();
        }
        List<String> ids = liveColumns.stream().map(c -> c.substring(0, c.lastIndexOf(':'))).toList();
        List<String> columns = keys.get(0).columns();
        return columns.isEmpty() || !ids.containsAll(columns) ? Optional.empty() : Optional.of(List.copyOf(columns));
    }

    /** The marker names this job, as a swap's does, so that a job that dies now resumes past its load. */
    /** @param fingerprint every row of the file, for an append; null for a keyed load, after which no append can follow */
    private Outcome finish(Connection connection, LoadRequest request, List<LoadResult.Column> columns, long rows, long maxId,
                           RowFingerprint fingerprint, LoadPath path, long inserted, long updated, long deleted, long start,
                           List<String> warnings, Before before) throws SQLException {
        String rid = request.resourceId();
        LoadMarker.write(connection, rid, LoadMarker.of(request));
        if (fingerprint == null) {
            IncrementalMarker.write(connection, rid, columns, request.analysis(), rows, maxId, "keyed");
        } else {
            IncrementalMarker.write(connection, rid, columns, request.analysis(), rows, maxId, fingerprint);
        }
        LoadMarker.recacheRowCount(connection, rid, rows);
        long millis = (System.nanoTime() - start) / 1_000_000;
        // Same header and types as the live table by construction: the drift report shows no column
        // change, and the rows before and after, as a full reload's would.
        SchemaDrift drift = before.live() == null ? null : DriftCheck.compare(before.live(), columns, before.rows(), rows);
        LoadResult result = new LoadResult(rows, columns, true, millis, 0, 0, 1, 1, Instant.now(), 0, false, List.copyOf(warnings),
                drift);
        return new Outcome(path, null, inserted, updated, deleted, result);
    }

    /**
     * The live table as the incremental load found it, read before it writes: what its entry in
     * history needs to undo it, and the drift report's "before".
     */
    private record Before(String comment, IncrementalMarker recorded, Long sequence, LiveTable live, long rows) {

        /** Read once the change and the new record are written, in the same transaction. */
        Delta delta(Connection connection, Long boundary) throws SQLException {
            long xid = Jdbc.single(connection, "SELECT pg_catalog.txid_current()", row -> row.getLong(1));
            return new Delta(boundary, xid, recorded, sequence);
        }
    }

    private static String statementTimeout(LoadRequest request) {
        if (request.deadline() == null) {
            return "0";
        }
        return Math.max(1, Duration.between(Instant.now(), request.deadline()).toMillis()) + "ms";
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // closing the connection rolls back as well
        }
    }
}
