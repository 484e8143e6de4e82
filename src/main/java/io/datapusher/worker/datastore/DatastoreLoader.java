package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.ColumnProfile;
import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.analyze.Misfit;
import io.datapusher.worker.progress.JobProgress;
import io.datapusher.worker.progress.Phase;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Loads an analysed file into the DataStore so that readers see the old table or the new one,
 * whole, and a failure anywhere leaves the live table as it was. The new table is built beside the
 * live one and swapped in by one short transaction at the end ({@link TableSwap}); until that
 * commit nothing a reader or CKAN sees has changed.
 *
 * <p>Two ways to build it, the same table either way:
 * <ul>
 *   <li><b>staged</b> (when {@code parallelism} is above 1 and the write role may create the
 *       worker's staging schema): the table is created committed in {@link Sql#STAGING_SCHEMA},
 *       filled by several COPY streams and indexed over several connections at once, then moved
 *       into {@code public} by the swap. A session-level advisory lock on a coordinating connection
 *       holds the resource for the whole load; a crash leaves at most a staging table, which the
 *       next load of the resource or {@link #sweepStaging()} drops.</li>
 *   <li><b>in one transaction</b> (otherwise): created, filled with {@code COPY FREEZE} and indexed
 *       uncommitted in {@code public}, then swapped in by the same transaction.</li>
 * </ul>
 */
public class DatastoreLoader {

    private static final Logger LOG = Logger.getLogger(DatastoreLoader.class);
    private static final String QUERY_CANCELED = "57014";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    /** After the parallel phases' own cut-off (they end within two graces), so the coordinator can clean up first. */
    private static final Duration CUT_OFF_AFTER = Parallel.CANCEL_GRACE.multipliedBy(3);
    /** Deadlines and the cut-off of loads that do not stop; its tasks only flag and close, never block. */
    private static final ScheduledExecutorService TIMERS = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "dpw-load-timer");
        thread.setDaemon(true);
        return thread;
    });

    private final DatastoreConnections connections;
    private final LoaderSettings settings;
    private final History history;
    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();
    private volatile boolean toldWhyNotStaged;

    public DatastoreLoader(DatastoreConnections connections, LoaderSettings settings) {
        this(connections, settings, new History(connections, HistoryPolicy.DEFAULT));
    }

    /** @param history where a swap puts the table it replaces, and where a restore finds it */
    public DatastoreLoader(DatastoreConnections connections, LoaderSettings settings, History history) {
        this.connections = connections;
        this.settings = settings;
        this.history = history;
    }

    public History history() {
        return history;
    }

    /** The connections of one load, so that a cancel reaches all of them, and the counters of its progress. */
    private static final class InFlight {
        final JobProgress progress;
        final List<Connection> connections = new CopyOnWriteArrayList<>();
        /** Each connection's backend, which may outlive a connection cut off on the worker's side. */
        final Map<Connection, Integer> backends = new ConcurrentHashMap<>();
        volatile boolean cancelled;
        /** Cancelled because the job's deadline passed before its swap. */
        volatile boolean expired;
        /** The swap is committing: the deadline no longer applies. */
        private boolean committing;
        /** The swap committed: from here on a failure must not say that nothing changed. */
        volatile boolean swapped;

        InFlight() {
            this(JobProgress.untracked());
        }

        InFlight(JobProgress progress) {
            this.progress = progress;
        }

        /** The deadline's cancel: only before the swap commits, as the data is live after it. */
        synchronized boolean expire() {
            if (committing || cancelled) {
                return false;
            }
            expired = true;
            cancelled = true;
            return true;
        }

        /** Past this point the swap commits, unless the load was cancelled first. */
        synchronized void startCommit() throws LoadException {
            checkNotCancelled(this);
            committing = true;
        }

        /** The backends of connections that were cut off: they may still be running, and holding locks. */
        List<Integer> cutOffBackends() {
            List<Integer> pids = new ArrayList<>();
            backends.forEach((connection, pid) -> {
                try {
                    if (connection.isClosed()) {
                        pids.add(pid);
                    }
                } catch (SQLException e) {
                    pids.add(pid);
                }
            });
            return pids;
        }
    }

    public LoadResult load(LoadRequest request) throws LoadException {
        return load(request, JobProgress.untracked());
    }

    /** @param progress the job's counters: the load enters its phases (fill to post-swap indexes) and counts the rows it copies */
    public LoadResult load(LoadRequest request, JobProgress progress) throws LoadException {
        if (request.resourceId() == null || request.resourceId().isEmpty() || request.jobId() == null) {
            throw new LoadException("a load needs a resource id and a job id");
        }
        InFlight self = new InFlight(progress);
        if (inFlight.putIfAbsent(request.jobId(), self) != null) {
            throw new LoadException("job " + request.jobId() + " is already loading");
        }
        ScheduledFuture<?> deadline = request.deadline() == null ? null
                : TIMERS.schedule(() -> expire(request.jobId(), self),
                        Math.max(0, Duration.between(Instant.now(), request.deadline()).toMillis()), TimeUnit.MILLISECONDS);
        try {
            Connection coordinator = open(self);
            history.prepare(coordinator);
            LoadResult result = canStage(coordinator) ? loadStaged(coordinator, request, self)
                    : loadInTransaction(coordinator, request, self);
            history.trimQuietly(request.resourceId());
            return result;
        } catch (SQLException e) {
            throwIfExpired(self);
            if (self.swapped) {
                throw new LiveButUnfinishedException("the new data is live, but the load could not finish: "
                        + Sql.serverMessage(e), e);
            }
            if (self.cancelled || QUERY_CANCELED.equals(e.getSQLState())) {
                throw new LoadException("the load was cancelled; nothing was changed", e);
            }
            throw new LoadException("the DataStore refused the load: " + Sql.serverMessage(e) + "; nothing was changed", e);
        } catch (LoadException e) {
            if (self.swapped && !(e instanceof LiveButUnfinishedException)) {
                throw new LiveButUnfinishedException("the new data is live, but the load could not finish: " + e.getMessage(), e);
            }
            throwIfExpired(self);
            if (self.cancelled && !self.swapped) {
                throw new LoadException("the load was cancelled; nothing was changed", e);
            }
            throw e;
        } catch (RuntimeException e) {
            throw new LoadException("the load failed unexpectedly: " + e + "; nothing was changed", e);
        } finally {
            if (deadline != null) {
                deadline.cancel(false);
            }
            inFlight.remove(request.jobId(), self);
            self.connections.forEach(DatastoreLoader::closeQuietly);
        }
    }

    /**
     * A load cancelled by its deadline failed for that reason, whatever its connections said as they
     * were cut off: not a DataStore outage, which would send the job back to run out of time again.
     */
    private static void throwIfExpired(InFlight self) throws LoadException {
        if (self.expired && !self.swapped) {
            throw new LoadException("the job ran past its deadline (INGEST_JOB_TIMEOUT) before its swap; nothing was changed");
        }
    }

    /**
     * The job's deadline passed: a load that has not yet swapped is cancelled; one past its swap goes
     * on, as its data is live and what is left (indexes on the live table) must be built.
     */
    private void expire(String jobId, InFlight self) {
        if (self.expire()) {
            LOG.warnf("Job %s: its deadline passed before the swap; cancelling its load", jobId);
            stop(jobId, self);
        }
    }

    /** Cancels the load's queries now, and cuts off its connections if it has not ended after a grace. */
    private void stop(String jobId, InFlight self) {
        Parallel.cancelAll(self.connections);
        TIMERS.schedule(() -> {
            if (inFlight.get(jobId) == self) {
                LOG.warnf("Job %s: its load did not stop after a cancel; closing its DataStore connections", jobId);
                Parallel.abortAll(self.connections);
            }
        }, CUT_OFF_AFTER.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Aborts an in-flight load from another thread; the load then ends in a {@link LoadException}
     * and nothing changes. Returns false when no load of that job is running.
     */
    public boolean cancel(String jobId) {
        InFlight running = inFlight.get(jobId);
        if (running == null) {
            return false;
        }
        running.cancelled = true;
        stop(jobId, running);
        return true;
    }

    /**
     * Swaps a kept version back in (see {@link Restore}), in one transaction under the resource's
     * lock; a load or restore of the same resource holding it makes this one wait its turn
     * ({@link ResourceBusyException}). {@link #cancel} with the same {@code jobId} stops it.
     *
     * @param version the job id of the version, or null for the newest
     */
    public RestoreResult restore(String resourceId, String jobId, String version, Instant jobCreatedAt) throws LoadException {
        InFlight self = new InFlight();
        if (inFlight.putIfAbsent(jobId, self) != null) {
            throw new LoadException("job " + jobId + " is already running");
        }
        try {
            Connection connection = open(self);
            connection.setAutoCommit(false);
            try {
                DatastoreSession.prepare(connection, settings, true);
                ResourceLock.claim(connection, resourceId, true);
                RestoreResult result = new Restore(connection, settings, history).run(resourceId, jobId, version, jobCreatedAt);
                self.startCommit();
                connection.commit();
                self.swapped = true;
                history.trimQuietly(resourceId);
                return result;
            } finally {
                if (!self.swapped) {
                    rollbackQuietly(connection);
                }
            }
        } catch (SQLException e) {
            if (self.swapped) {
                throw new LiveButUnfinishedException("the version is live, but the restore could not finish: "
                        + Sql.serverMessage(e), e);
            }
            throw new LoadException("the DataStore refused the restore: " + Sql.serverMessage(e) + "; nothing was changed", e);
        } finally {
            inFlight.remove(jobId, self);
            self.connections.forEach(DatastoreLoader::closeQuietly);
        }
    }

    /** What a restore of {@code version} would be refused for, asked before its job is created; nothing is locked. */
    public void checkRestore(String resourceId, String version) throws SQLException, RestoreRefusedException {
        try (Connection connection = connections.open()) {
            Restore.check(connection, history, resourceId, version);
        }
    }

    public Optional<LiveTable> describe(String resourceId) throws SQLException {
        try (Connection connection = connections.open()) {
            return new LiveTableReader(connection).describe(resourceId);
        }
    }

    public boolean tableExists(String resourceId) throws SQLException {
        try (Connection connection = connections.open()) {
            return new LiveTableReader(connection).tableOid(resourceId).isPresent();
        }
    }

    /**
     * Drops staging tables that no load is building: each is named after its resource, and a load
     * holds that resource's advisory lock from start to end, so a table whose lock is free was left
     * by a load that died. Returns how many were dropped.
     */
    public int sweepStaging() throws SQLException {
        int dropped = 0;
        try (Connection connection = connections.open()) {
            List<String> tables = Jdbc.list(connection, "SELECT c.relname FROM pg_catalog.pg_class c"
                    + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relkind = 'r'",
                    row -> row.getString(1), Sql.STAGING_SCHEMA);
            for (String resourceId : tables) {
                if (ResourceLock.tryLock(connection, resourceId)) {
                    try {
                        Jdbc.execute(connection, "DROP TABLE IF EXISTS " + NewTable.staged(resourceId, List.of()).qualified());
                        dropped++;
                    } finally {
                        ResourceLock.unlock(connection, resourceId);
                    }
                }
            }
        }
        return dropped;
    }

    /** The serial way: everything in the coordinator's one transaction. */
    private LoadResult loadInTransaction(Connection connection, LoadRequest request, InFlight self)
            throws SQLException, LoadException {
        connection.setAutoCommit(false);
        boolean committed = false;
        try {
            DatastoreSession.prepare(connection, settings, true);
            ResourceLock.claim(connection, request.resourceId(), true);
            checkNotCancelled(self);
            // Counting rows in this transaction would hold a lock on the live table until the swap: CKAN's
            // own DDL would wait for the whole load. Counts go through a connection of their own.
            Connection counts = open(self);
            Plan plan = plan(connection, request, counts);
            NewTable table = NewTable.inTransaction(request.resourceId(), request.jobId(), plan.columns());
            List<IndexSpec> specs = IndexPlan.of(table, settings, plan.ftsFieldTypes(), plan.liveIndexes(),
                    plan.liveColumnIds(), plan.warnings());
            table.create(connection);

            long copyStart = System.nanoTime();
            RowFingerprint fingerprint = new RowFingerprint();
            self.progress.enter(Phase.FILL);
            long rows = CopyFill.serial(connection, table, request.analysis(), plan.types(), plan.stripped(), fingerprint,
                    self.progress);
            long copyMillis = millisSince(copyStart);
            checkNotCancelled(self);

            self.progress.enter(Phase.INDEXES);
            long indexStart = System.nanoTime();
            List<IndexSpec> built = IndexBuild.serial(connection, table, specs, plan.warnings());
            analyze(connection, table.qualified());
            long indexMillis = millisSince(indexStart);
            checkNotCancelled(self);

            self.progress.enter(Phase.SWAP);
            beforeSwap(counts, request, plan);
            long swapStart = System.nanoTime();
            TableSwap.Outcome outcome = new TableSwap(connection, settings, request, table, plan.columns(), built, List.of(),
                    rows, plan.start(), TableSwap.Clock.SYSTEM).keepingHistory(history).run();
            plan.warnings().addAll(outcome.warnings());
            IncrementalMarker.write(connection, request.resourceId(), plan.columns(), request.analysis(), rows, rows, fingerprint);
            self.startCommit();
            connection.commit();
            committed = true;
            self.swapped = true;
            return new LoadResult(rows, plan.columns(), outcome.replaced(), copyMillis, indexMillis, millisSince(swapStart),
                    outcome.attempts(), 1, Instant.now(), 0, false, List.copyOf(plan.warnings()), outcome.drift());
        } finally {
            if (!committed) {
                rollbackQuietly(connection);
            }
        }
    }

    /**
     * The staged way: the coordinator holds the resource's lock for the whole load and runs the
     * swap; {@code parallelism} other connections fill and index the staging table.
     */
    private LoadResult loadStaged(Connection coordinator, LoadRequest request, InFlight self)
            throws SQLException, LoadException {
        String rid = request.resourceId();
        DatastoreSession.prepare(coordinator, settings, false);
        ResourceLock.claim(coordinator, rid, false);
        NewTable table = null;
        boolean swapped = false;
        try {
            checkNotCancelled(self);
            Plan plan = plan(coordinator, request, coordinator);
            table = NewTable.staged(rid, plan.columns());
            List<IndexSpec> specs = IndexPlan.of(table, settings, plan.ftsFieldTypes(), plan.liveIndexes(),
                    plan.liveColumnIds(), plan.warnings());
            // left by a load that died: the lock says none is building it now
            Jdbc.execute(coordinator, "DROP TABLE IF EXISTS " + table.qualified());
            table.create(coordinator);
            List<Connection> workers = new ArrayList<>();
            for (int i = 0; i < settings.parallelism(); i++) {
                Connection worker = open(self);
                DatastoreSession.prepare(worker, settings, false);
                workers.add(worker);
            }
            checkNotCancelled(self);

            long copyStart = System.nanoTime();
            RowFingerprint fingerprint = new RowFingerprint();
            self.progress.enter(Phase.FILL);
            long rows = CopyFill.parallel(workers, table, request.analysis(), plan.types(), plan.stripped(), fingerprint,
                    self.progress, () -> self.cancelled);
            setSequence(coordinator, table, rows);
            long copyMillis = millisSince(copyStart);
            checkNotCancelled(self);

            // What readers need at once is built before the swap; a text column's own full-text index
            // only speeds up searches of that column, and is built on the live table just after.
            List<IndexSpec> now = new ArrayList<>(specs.stream().filter(spec -> !spec.deferrable()).toList());
            List<IndexSpec> later = new ArrayList<>(specs.stream().filter(IndexSpec::deferrable).toList());
            fillIdleConnections(coordinator, table, now, later);
            NewTable building = table;
            self.progress.enter(Phase.INDEXES);
            long indexStart = System.nanoTime();
            List<IndexSpec> built = IndexBuild.parallel(workers, rid, now, spec -> spec.ddl(building), plan.warnings(),
                    () -> self.cancelled);
            analyze(coordinator, table.qualified());
            long indexMillis = millisSince(indexStart);
            checkNotCancelled(self);

            self.progress.enter(Phase.SWAP);
            beforeSwap(coordinator, request, plan);
            long swapStart = System.nanoTime();
            coordinator.setAutoCommit(false);
            DatastoreSession.prepare(coordinator, settings, true);
            TableSwap.Outcome outcome;
            try {
                outcome = new TableSwap(coordinator, settings, request, table, plan.columns(), built, later, rows,
                        plan.start(), TableSwap.Clock.SYSTEM).keepingHistory(history).run();
                plan.warnings().addAll(outcome.warnings());
                IncrementalMarker.write(coordinator, rid, plan.columns(), request.analysis(), rows, rows, fingerprint);
                self.startCommit();
                coordinator.commit();
                swapped = true;
                self.swapped = true;
            } finally {
                if (!swapped) {
                    rollbackQuietly(coordinator);
                }
                coordinator.setAutoCommit(true);
            }
            Instant liveAt = Instant.now();
            long swapMillis = millisSince(swapStart);

            if (!later.isEmpty()) {
                self.progress.enter(Phase.POST_SWAP_INDEXES);
            }
            long laterStart = System.nanoTime();
            boolean pending = !later.isEmpty() && !buildOnLive(coordinator, workers, rid, later, plan.warnings(), self);
            return new LoadResult(rows, plan.columns(), outcome.replaced(), copyMillis, indexMillis, swapMillis,
                    outcome.attempts(), settings.parallelism(), liveAt, millisSince(laterStart), pending,
                    List.copyOf(plan.warnings()), outcome.drift());
        } finally {
            if (!swapped && table != null) {
                discard(coordinator, table, self);
            }
            ResourceLock.unlockQuietly(coordinator, rid);
        }
    }

    /**
     * What the load decided before building: the columns and their types (a Data Dictionary
     * {@code type_override} wins), which text columns are stripped, which indexes the live table has.
     */
    private record Plan(List<LoadResult.Column> columns, List<ColumnType> types, Set<Integer> stripped,
                        List<String> ftsFieldTypes, List<LiveTableReader.LiveIndex> liveIndexes, List<String> liveColumnIds,
                        List<String> warnings, LoadStart start) {
    }

    /** @param counts an autocommit connection, to count the live table's rows without keeping a lock on it */
    private Plan plan(Connection connection, LoadRequest request, Connection counts) throws SQLException, LoadException {
        LiveTableReader reader = new LiveTableReader(connection);
        Optional<LiveTable> live = reader.describe(request.resourceId());
        rejectIfSuperseded(request, live);
        List<String> warnings = new ArrayList<>();
        List<LoadResult.Column> columns = finalColumns(request.analysis(), live, warnings);
        List<LiveTableReader.LiveIndex> liveIndexes = live.isPresent()
                ? reader.indexes(reader.tableOid(request.resourceId()).orElseThrow())
                : List.of();
        List<String> liveColumnIds = live.map(t -> t.columns().stream().map(LiveTable.Column::id).toList()).orElse(List.of());
        LoadStart start = live.isEmpty() ? LoadStart.FIRST_LOAD
                : new LoadStart(true, Set.copyOf(liveIndexes.stream().map(LiveTableReader.LiveIndex::name).toList()),
                        ConcurrentWrites.mark(counts, request.resourceId()));
        return new Plan(columns, columns.stream().map(LoadResult.Column::type).toList(), strippedColumns(columns, live),
                settings.ftsFieldTypesFor(request.ckan()), liveIndexes, liveColumnIds, warnings, start);
    }

    /**
     * Just before the swap: a resource CKAN deleted during the load is not brought back, and writes
     * made to the live table meanwhile, which the swap replaces, are reported.
     */
    /** @param counts an autocommit connection, as for {@link #plan} */
    private static void beforeSwap(Connection counts, LoadRequest request, Plan plan) throws SQLException, LoadException {
        if (!request.stillInCkan().stillExists()) {
            throw new ResourceGoneException("the resource was deleted in CKAN while the file was loading; nothing was loaded");
        }
        ConcurrentWrites.since(counts, request.resourceId(), plan.start().writes()).ifPresent(plan.warnings()::add);
    }

    /**
     * Whether this load can be staged: parallelism above 1, and the staging schema there or
     * creatable by the write role (CKAN's documented setup makes it the database's owner). Otherwise
     * the load runs in one transaction, which needs nothing more than CKAN's own permissions.
     */
    private boolean canStage(Connection connection) throws SQLException {
        if (settings.parallelism() < 2) {
            return false;
        }
        boolean mayCreate = Jdbc.single(connection,
                "SELECT CASE WHEN n.oid IS NULL THEN pg_catalog.has_database_privilege(pg_catalog.current_database(), 'CREATE')"
                        + " ELSE pg_catalog.has_schema_privilege(n.oid, 'CREATE') AND pg_catalog.has_schema_privilege(n.oid, 'USAGE') END"
                        + " FROM (SELECT 1) one LEFT JOIN pg_catalog.pg_namespace n ON n.nspname = ?",
                row -> row.getBoolean(1), Sql.STAGING_SCHEMA);
        if (!mayCreate) {
            whyNotStaged("the write role may not create the schema " + Sql.STAGING_SCHEMA);
            return false;
        }
        try {
            Jdbc.execute(connection, "CREATE SCHEMA IF NOT EXISTS " + Sql.quoteIdent(Sql.STAGING_SCHEMA));
            return true;
        } catch (SQLException e) {
            if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                whyNotStaged(Sql.serverMessage(e));
                return false;
            }
            // Two loads creating the schema at the same moment: the other one won, which is as good.
            return "23505".equals(e.getSQLState()) || "42P06".equals(e.getSQLState());
        }
    }

    private void whyNotStaged(String reason) {
        if (!toldWhyNotStaged) {
            toldWhyNotStaged = true;
            LOG.warnf("Loads run in one transaction, without parallelism: %s (grant the write role CREATE on the "
                    + "DataStore database, as CKAN's documented setup does by making it the owner)", reason);
        }
    }

    /**
     * Under the advisory lock, the live table's marker tells which job loaded it last: a job created
     * after this one has already committed newer data, which an older file must never overwrite.
     */
    private static void rejectIfSuperseded(LoadRequest request, Optional<LiveTable> live) throws SupersededException {
        if (request.jobCreatedAt() == null || live.isEmpty() || live.get().marker().isEmpty()) {
            return;
        }
        LiveTable.Marker marker = live.get().marker().get();
        if (marker.jobCreatedAt() != null && !request.jobId().equals(marker.jobId())
                && marker.jobCreatedAt().isAfter(request.jobCreatedAt())) {
            throw new SupersededException("job " + marker.jobId() + ", created after this one, has already loaded newer data; "
                    + "nothing was changed");
        }
    }

    /** The rows came with their {@code _id}; the sequence goes on after the last, as a serial COPY leaves it. */
    private static void setSequence(Connection connection, NewTable table, long rows) throws SQLException {
        Jdbc.call(connection, "SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence(?, '_id'), ?, ?)",
                table.qualified(), Math.max(rows, 1), rows > 0);
    }

    private static void analyze(Connection connection, String qualifiedTable) throws SQLException {
        Jdbc.execute(connection, "ANALYZE " + qualifiedTable);
    }

    /**
     * Connections that would idle before the swap (fewer indexes than connections) take the
     * deferrable indexes of the shortest text columns, which are the quickest to build, so that they
     * end about when the others do and the swap is not held up.
     */
    private void fillIdleConnections(Connection connection, NewTable table, List<IndexSpec> now, List<IndexSpec> later)
            throws SQLException {
        int idle = settings.parallelism() - now.size();
        if (idle <= 0 || later.isEmpty()) {
            return;
        }
        Map<IndexSpec, Double> width = new java.util.HashMap<>();
        for (IndexSpec spec : later) {
            String column = table.columns().stream().map(LoadResult.Column::id)
                    .filter(id -> spec.ckanName().equals(IndexNames.ckanName(table.resourceId(),
                            IndexNames.ftsFields(settings.ftsLang(), id, ColumnType.TEXT))))
                    .findFirst().orElse(null);
            width.put(spec, column == null ? Double.MAX_VALUE : averageWidth(connection, table, column));
        }
        later.sort(java.util.Comparator.comparingDouble(width::get));
        while (idle-- > 0 && !later.isEmpty()) {
            now.add(later.remove(0));
        }
    }

    /** The average length of a column's values, from a 1 % sample of the staging table's pages. */
    private static double averageWidth(Connection connection, NewTable table, String column) throws SQLException {
        return Jdbc.single(connection, "SELECT coalesce(avg(pg_catalog.octet_length(" + Sql.quoteIdent(column)
                + ")), 0) FROM " + table.qualified() + " TABLESAMPLE SYSTEM (1)", row -> row.getDouble(1));
    }

    /**
     * Builds full-text indexes on the live table, under CKAN's names, over the load's connections:
     * each takes a SHARE lock, so readers go on while writers (a {@code datastore_upsert}) wait.
     * Then ANALYZE, for the planner's statistics of their expressions, and the marker forgets them.
     * A failure leaves them in the marker, where a resumed job finds them; returns whether all were built.
     */
    private boolean buildOnLive(Connection coordinator, List<Connection> workers, String resourceId, List<IndexSpec> specs,
                                List<String> warnings, InFlight self) throws LoadException {
        try {
            List<String> found = new ArrayList<>();
            IndexBuild.parallel(workers, resourceId, specs, spec -> spec.ddlOnLive(resourceId), found, () -> self.cancelled);
            analyze(coordinator, Sql.publicTable(resourceId));
            forgetPendingIndexes(coordinator, resourceId);
            warnings.addAll(found);
            return true;
        } catch (SQLException | LoadException e) {
            String reason = e instanceof SQLException sql ? Sql.serverMessage(sql) : e.getMessage();
            if (self.cancelled || e instanceof LoadException load && load.isTransient() || e instanceof SQLException sql && isTransient(sql)) {
                throw new LiveButUnfinishedException("the new data is live, but its full-text indexes could not be built yet: "
                        + reason, e);
            }
            warnings.add("the new data is live, but some full-text indexes could not be built: " + reason
                    + "; the next load of the resource builds them");
            return false;
        }
    }

    /**
     * Builds what a load that died after its swap left to build on the live table (its marker says
     * which indexes), under the resource's lock so that no other load is running. Returns how many
     * were built. {@link #cancel} with the same {@code jobId} stops it, as it stops a load.
     */
    public int completePendingIndexes(String resourceId, String jobId) throws SQLException, LoadException {
        InFlight self = new InFlight();
        if (inFlight.putIfAbsent(jobId, self) != null) {
            throw new LoadException("job " + jobId + " is already loading");
        }
        try {
            Connection coordinator = open(self);
            DatastoreSession.prepare(coordinator, settings, false);
            ResourceLock.lock(coordinator, resourceId, false);
            try {
                Optional<LiveTable.Marker> marker = new LiveTableReader(coordinator).describe(resourceId)
                        .flatMap(LiveTable::marker);
                Map<String, String> pending = marker.map(LiveTable.Marker::pendingIndexes).orElse(Map.of());
                if (pending.isEmpty()) {
                    return 0;
                }
                List<String> existing = new LiveTableReader(coordinator).indexes(new LiveTableReader(coordinator)
                        .tableOid(resourceId).orElseThrow()).stream().map(LiveTableReader.LiveIndex::name).toList();
                List<IndexSpec> missing = new ArrayList<>();
                pending.forEach((name, definition) -> {
                    if (!existing.contains(name)) {
                        missing.add(new IndexSpec(name, name, false, definition, Optional.empty(), true));
                    }
                });
                if (!missing.isEmpty()) {
                    List<Connection> workers = new ArrayList<>();
                    for (int i = 0; i < Math.min(settings.parallelism(), missing.size()); i++) {
                        Connection worker = open(self);
                        DatastoreSession.prepare(worker, settings, false);
                        workers.add(worker);
                    }
                    IndexBuild.parallel(workers, resourceId, missing, spec -> spec.ddlOnLive(resourceId), new ArrayList<>(),
                            () -> self.cancelled);
                    analyze(coordinator, Sql.publicTable(resourceId));
                }
                forgetPendingIndexes(coordinator, resourceId);
                return missing.size();
            } finally {
                ResourceLock.unlockQuietly(coordinator, resourceId);
            }
        } finally {
            inFlight.remove(jobId, self);
            self.connections.forEach(DatastoreLoader::closeQuietly);
        }
    }

    /** Rewrites the live table's marker without its pending indexes. */
    private static void forgetPendingIndexes(Connection connection, String resourceId) throws SQLException {
        String comment = Jdbc.single(connection, "SELECT pg_catalog.obj_description("
                + Sql.quoteLiteral(Sql.publicTable(resourceId)) + "::regclass, 'pg_class')", row -> row.getString(1));
        Optional<com.fasterxml.jackson.databind.JsonNode> parsed = comment == null ? Optional.empty() : PythonJson.parse(comment);
        if (parsed.isEmpty() || !parsed.get().path("datapusher_worker").isObject()) {
            return;
        }
        ((com.fasterxml.jackson.databind.node.ObjectNode) parsed.get().get("datapusher_worker")).remove("pending_indexes");
        Jdbc.execute(connection, "COMMENT ON TABLE " + Sql.publicTable(resourceId) + " IS "
                + Sql.quoteLiteral(PythonJson.dumps(parsed.get(), true)));
    }

    private static boolean isTransient(SQLException e) {
        return new LoadException("", e).isTransient();
    }

    private Connection open(InFlight self) throws LoadException {
        try {
            Connection connection = connections.open();
            self.connections.add(connection);
            self.backends.put(connection, connection.unwrap(PGConnection.class).getBackendPID());
            return connection;
        } catch (SQLException e) {
            throw new LoadException("cannot connect to the DataStore database: " + e.getMessage(), e);
        }
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /**
     * The key of a resource's advisory lock, which every load, restore and post-swap index build of
     * that resource takes; public so that tests and operators' tools can see who holds it.
     */
    public static long advisoryKey(String resourceId) {
        return ResourceLock.key(resourceId);
    }

    /**
     * Each column's type: the Data Dictionary's type_override when it has one, else the inferred
     * type. An override naming a type the worker does not create is reported in {@code warnings}.
     */
    static List<LoadResult.Column> finalColumns(Analysis analysis, Optional<LiveTable> live, List<String> warnings)
            throws LoadException {
        List<LoadResult.Column> columns = new ArrayList<>();
        for (ColumnProfile profile : analysis.columns()) {
            Optional<String> rawOverride = live.flatMap(t -> t.column(profile.id()))
                    .flatMap(c -> ColumnComments.rawTypeOverride(c.comment()));
            Optional<ColumnType> override = rawOverride.flatMap(ColumnType::fromOverride);
            ColumnType type = profile.inferredType();
            if (override.isEmpty() && rawOverride.filter(o -> !o.isBlank()).isPresent()) {
                warnings.add("column " + PythonJson.string(profile.id()) + ": its type_override "
                        + PythonJson.string(rawOverride.get()) + " is not a type the worker creates (text, numeric, timestamp,"
                        + " integer, bigint, date), so the column is " + type.sqlName() + " as inferred from the data");
            }
            if (override.isPresent()) {
                type = override.get();
                if (!profile.fits(type)) {
                    Misfit misfit = profile.firstMisfits() == null ? null : profile.firstMisfits().get(type);
                    String where = misfit == null ? "a value"
                            : "value " + PythonJson.string(misfit.value()) + " on line " + misfit.line();
                    throw new LoadException("column " + PythonJson.string(profile.id()) + ": " + where
                            + " does not fit its type_override " + rawOverride.get().trim() + "; nothing was changed");
                }
            }
            columns.add(new LoadResult.Column(profile.id(), type));
        }
        return List.copyOf(columns);
    }

    /**
     * Positions of the columns whose Data Dictionary has xloader's {@code strip_extra_white} on, so
     * that a table xloader loaded keeps matching the same filters after a reload.
     */
    static Set<Integer> strippedColumns(List<LoadResult.Column> columns, Optional<LiveTable> live) {
        Set<Integer> stripped = new HashSet<>();
        for (int i = 0; i < columns.size(); i++) {
            String id = columns.get(i).id();
            if (live.flatMap(t -> t.column(id)).filter(c -> ColumnComments.stripsExtraWhite(c.comment())).isPresent()) {
                stripped.add(i);
            }
        }
        return stripped;
    }

    private static void checkNotCancelled(InFlight self) throws LoadException {
        if (self.cancelled) {
            throw new LoadException("the load was cancelled; nothing was changed");
        }
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // Closing the connection rolls back as well.
        }
    }

    private static boolean dropQuietly(Connection connection, NewTable table) {
        try {
            Jdbc.execute(connection, "DROP TABLE IF EXISTS " + table.qualified());
            return true;
        } catch (SQLException e) {
            LOG.warnf("Could not drop the staging table %s: %s", table.qualified(), Sql.serverMessage(e));
            return false;
        }
    }

    /**
     * Drops a failed load's staging table. Backends of connections that were cut off may still run
     * (a socket whose peer never reads never tells them the worker is gone) and hold the table: they
     * are the load's own, so they are ended first. A coordinator that was cut off leaves the drop to
     * a fresh session, once its backend has let go of the resource.
     */
    private void discard(Connection coordinator, NewTable table, InFlight self) {
        List<Integer> stuck = self.cutOffBackends();
        try {
            if (!coordinator.isClosed()) {
                terminate(coordinator, stuck);
                if (dropQuietly(coordinator, table)) {
                    return;
                }
            }
        } catch (SQLException e) {
            LOG.warnf("Could not end the backends of a cancelled load: %s", Sql.serverMessage(e));
        }
        closeQuietly(coordinator);
        dropLeftover(table.resourceId(), stuck);
    }

    private static void terminate(Connection connection, List<Integer> backends) throws SQLException {
        for (Integer pid : backends) {
            // only if it is still the worker's own: a pid may be reused once its backend is gone
            Jdbc.call(connection, "SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity"
                    + " WHERE pid = ? AND usename = current_user AND application_name = 'datapusher-worker'", pid);
        }
    }

    private void dropLeftover(String resourceId, List<Integer> stuck) {
        try (Connection connection = connections.open()) {
            DatastoreSession.set(connection, "lock_timeout", Parallel.CANCEL_GRACE.toMillis() + "ms", false);
            terminate(connection, stuck);
            ResourceLock.lock(connection, resourceId, false);
            try {
                Jdbc.execute(connection, "DROP TABLE IF EXISTS " + NewTable.staged(resourceId, List.of()).qualified());
            } finally {
                ResourceLock.unlockQuietly(connection, resourceId);
            }
        } catch (SQLException e) {
            LOG.warnf("Could not drop the staging table of resource %s; the sweep or the next load will: %s", resourceId,
                    Sql.serverMessage(e));
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException ignored) {
            // Nothing left to save on a connection we are discarding.
        }
    }
}
