package io.datapusher.worker.datastore;

import io.datapusher.worker.Backoff;
import io.datapusher.worker.datastore.LiveTableReader.AclEntry;
import io.datapusher.worker.datastore.LiveTableReader.DependentView;
import io.datapusher.worker.datastore.LiveTableReader.UserTrigger;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Puts the new table in the live table's place inside the load's transaction. Everything a
 * curator can edit while the load runs is read again only after the live table is locked, so no
 * edit is lost; each try waits at most {@code swapLockTimeout} for readers and the tries stop
 * when {@code swapBudget} is spent.
 */
final class TableSwap {

    private static final String LOCK_NOT_AVAILABLE = "55P03";
    /** Between tries to take the live table's lock: readers hold it for moments, not seconds. */
    private static final Backoff READERS_BACKOFF = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));
    private static final Pattern SIMPLE_OPTION_VALUE = Pattern.compile("[A-Za-z0-9_.]+");
    private static final Pattern OPTION_NAME = Pattern.compile("[a-z_][a-z0-9_]*");

    /** Where the replaced table goes; null: it is dropped. */
    private History history;
    /** The kept version a restore brings back; null for a load. */
    private HistoryVersion restoring;

    private final Connection connection;
    private final LoaderSettings settings;
    private final LoadRequest request;
    private final NewTable table;
    private final List<LoadResult.Column> columns;
    private final List<IndexSpec> indexes;
    private final List<IndexSpec> deferred;
    private final long rows;
    private final LoadStart start;
    private final Clock clock;
    private final List<String> warnings = new ArrayList<>();
    private SchemaDrift drift;

    /** Time source and sleeper, replaceable so the retry logic can be reasoned about. */
    interface Clock {
        long nanoTime();

        void sleep(long millis) throws InterruptedException;

        Clock SYSTEM = new Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleep(long millis) throws InterruptedException {
                Thread.sleep(millis);
            }
        };
    }

    /**
     * @param warnings what the job should say about the swap: indexes added during the load that could not follow
     * @param drift    how the new table differs from the live one it replaced; null when there was none
     */
    record Outcome(boolean replaced, int attempts, List<String> warnings, SchemaDrift drift) {
    }

    /**
     * What of the live table must outlive it, as a curator or CKAN may have changed it while the
     * load ran; everything empty when there is no live table.
     *
     * @param aliasDefinition how a CKAN alias of the live table reads, when a view selects from it directly
     */
    private record LiveState(boolean exists, Map<String, String> columnComments, List<AclEntry> grants,
                             List<DependentView> views, List<UserTrigger> triggers, String aliasDefinition,
                             List<LiveTableReader.LiveIndex> indexes) {

        static final LiveState NONE = new LiveState(false, Map.of(), List.of(), List.of(), List.of(), null, List.of());
    }

    /** The names PostgreSQL gave a table built in the load's transaction: its {@code _id} sequence and primary key. */
    private record SequenceAndKey(String sequence, String primaryKey) {
    }

    /**
     * @param indexes  the indexes built on the new table, to be given their CKAN names
     * @param deferred the indexes to be built once the table is live, recorded in the marker so that
     *                 a resumed job builds them if this one cannot
     * @param rows     how many rows the new table holds
     * @param start    the live table as the load found it, to tell what changed since
     */
    TableSwap(Connection connection, LoaderSettings settings, LoadRequest request, NewTable table,
              List<LoadResult.Column> columns, List<IndexSpec> indexes, List<IndexSpec> deferred, long rows, LoadStart start,
              Clock clock) {
        this.connection = connection;
        this.settings = settings;
        this.request = request;
        this.table = table;
        this.columns = columns;
        this.indexes = indexes;
        this.deferred = deferred;
        this.rows = rows;
        this.start = start;
        this.clock = clock;
    }

    /**
     * A restore: the same swap, bringing a kept version back instead of a new table. It keeps its own
     * column comments and indexes as they were; the live table goes into history in its turn.
     *
     * @param rows the version's rows, counted before the swap (nobody writes a kept table)
     */
    static TableSwap restore(Connection connection, LoaderSettings settings, LoadRequest request, HistoryVersion version,
                             long rows, History history, Clock clock) {
        List<LoadResult.Column> columns = List.of();
        TableSwap swap = new TableSwap(connection, settings, request,
                NewTable.kept(request.resourceId(), version.table(), columns), columns, List.of(), List.of(), rows,
                new LoadStart(true, Set.of(), null), clock);
        swap.history = history;
        swap.restoring = version;
        return swap;
    }

    /** The replaced table goes into history instead of being dropped, when history is on and set up. */
    TableSwap keepingHistory(History history) {
        this.history = history;
        return this;
    }

    Outcome run() throws SQLException, LoadException {
        long budgetNanos = settings.swapBudget().toNanos();
        long started = clock.nanoTime();
        int attempts = 0;
        while (true) {
            attempts++;
            long remainingMillis = (budgetNanos - (clock.nanoTime() - started)) / 1_000_000;
            long timeout = Math.max(1, Math.min(settings.swapLockTimeout().toMillis(), remainingMillis));
            execute("SAVEPOINT dpw_swap");
            try {
                setLocal("lock_timeout", timeout + "ms");
                warnings.clear();
                boolean replaced = attempt();
                execute("RELEASE SAVEPOINT dpw_swap");
                return new Outcome(replaced, attempts, List.copyOf(warnings), drift);
            } catch (SQLException e) {
                rollbackAttempt(e);
                if (!LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                    throw e;
                }
            } catch (LoadException e) {
                rollbackAttempt(e);
                throw e;
            }
            long backoff = READERS_BACKOFF.after(attempts).toMillis();
            long elapsed = clock.nanoTime() - started;
            if (elapsed + backoff * 1_000_000 >= budgetNanos) {
                throw new LoadException("the live table stayed locked by readers for more than "
                        + settings.swapBudget().toSeconds() + " s; nothing was changed");
            }
            try {
                clock.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LoadException("the load was interrupted while waiting for readers; nothing was changed", e);
            }
        }
    }

    /** Undoes a failed try; if even that fails the connection is gone and the original error is the one to report. */
    private void rollbackAttempt(Exception cause) throws SQLException {
        try {
            execute("ROLLBACK TO SAVEPOINT dpw_swap");
        } catch (SQLException rollbackFailed) {
            cause.addSuppressed(rollbackFailed);
            if (cause instanceof SQLException sql) {
                throw sql;
            }
        }
    }

    private boolean attempt() throws SQLException, LoadException {
        LiveTableReader reader = new LiveTableReader(connection);
        LiveState live = lockAndReadLiveTable(reader);
        drift = restoring == null ? DriftCheck.underLock(reader, request, columns, start, rows) : null;
        // Default privileges (CKAN's read role's SELECT) apply where a table is created, not where it is
        // moved: a staged table gets them here, before the live table's own grants, as if created in public.
        List<AclEntry> defaultGrants = table.isStaged() ? defaultPrivileges(reader) : List.of();
        if (restoring == null) {
            writeColumnComments(live.columnComments());
        } else {
            Restore.checkLiveKeysFit(request.resourceId(), live.indexes(), restoring);
        }
        long newOid = replaceLiveTable(reader, live);
        if (restoring == null) {
            new IndexesAddedDuringLoad(connection, request.resourceId(), start, indexes, columns, warnings).apply(live.indexes());
        } else {
            Restore.carryLiveKeys(connection, request.resourceId(), live.indexes(), restoring);
        }
        recreateViews(live.views(), live.aliasDefinition(), reader);
        restoreGrants(reader, newOid, defaultGrants, live);
        recreateTriggers(restoring == null ? live.triggers() : Restore.missingTriggers(reader, newOid, live.triggers()));
        writeMarker();
        recacheRowCount();
        return live.exists();
    }

    /** Read only under the lock, so that no edit made while the load ran is lost. */
    private LiveState lockAndReadLiveTable(LiveTableReader reader) throws SQLException, LoadException {
        String rid = request.resourceId();
        OptionalLong oid = reader.tableOid(rid);
        if (oid.isPresent()) {
            execute("LOCK TABLE " + liveName() + " IN ACCESS EXCLUSIVE MODE");
            // The table may have been replaced between the lookup and the lock.
            oid = reader.tableOid(rid);
        }
        if (oid.isEmpty() && start.liveTable()) {
            // CKAN dropped it (the resource, or its DataStore table, was deleted): the swap must not bring it back.
            throw new ResourceGoneException("the live table was dropped while the file was loading (the resource or its"
                    + " DataStore table was deleted in CKAN); nothing was loaded");
        }
        return oid.isPresent() ? readLiveTable(reader, oid.getAsLong()) : LiveState.NONE;
    }

    /** Refuses, before anything is changed, what the swap would silently lose. */
    private LiveState readLiveTable(LiveTableReader reader, long oid) throws SQLException, LoadException {
        List<String> foreignKeys = reader.referencingForeignKeys(oid);
        if (!foreignKeys.isEmpty()) {
            throw new LoadException("foreign keys of other tables point at the live table (" + String.join(", ", foreignKeys)
                    + "); replacing it would drop them, so nothing was changed");
        }
        List<String> dependents = SwapDependents.notCarriedOver(connection, oid);
        if (!dependents.isEmpty()) {
            throw new LoadException("replacing the live table would drop what depends on it and the worker does not recreate ("
                    + String.join(", ", dependents) + "); remove them or load the file by hand. Nothing was changed");
        }
        Map<String, String> columnComments = reader.columnComments(oid);
        List<AclEntry> grants = reader.acl(oid);
        List<DependentView> views = reader.dependentViews(oid);
        List<UserTrigger> triggers = reader.userTriggers(oid);
        for (DependentView view : views) {
            if (!"v".equals(view.relkind())) {
                throw new LoadException("the materialized view " + view.schema() + "." + view.name()
                        + " depends on the live table and the worker does not recreate materialized views; nothing was changed");
            }
        }
        String aliasDefinition = views.stream().anyMatch(DependentView::direct) ? probeAliasDefinition() : null;
        return new LiveState(true, columnComments, grants, views, triggers, aliasDefinition, reader.indexes(oid));
    }

    /**
     * The new table can take CKAN's names only once the old one has freed them: the old one goes into
     * history (renamed, so its names are free) or is dropped. Views would follow a moved table, so
     * they are dropped first, as a drop would; they come back on the new table.
     */
    private long replaceLiveTable(LiveTableReader reader, LiveState live) throws SQLException, LoadException {
        if (live.exists()) {
            if (history != null && history.usable(connection)) {
                for (DependentView view : live.views()) {
                    // parents first: a child went with its parent already
                    execute("DROP VIEW IF EXISTS " + view.qualifiedName() + " CASCADE");
                }
                history.keep(connection, request.resourceId(), reader.tableOid(request.resourceId()).orElseThrow(),
                        request.jobId());
            } else {
                execute("DROP TABLE " + liveName() + " CASCADE");
            }
        }
        if (restoring != null) {
            history.bringBack(connection, restoring);
        } else {
            moveIntoPlace(reader);
        }
        return reader.tableOid(request.resourceId()).orElseThrow();
    }

    /** The old table's views were dropped with it, or before it went into history; parents come before children. */
    private void recreateViews(List<DependentView> views, String aliasDefinition, LiveTableReader reader)
            throws SQLException, LoadException {
        for (DependentView view : views) {
            recreateView(view, aliasDefinition, reader);
        }
    }

    /** The live table's own grants go last, so that they win over the defaults. */
    private void restoreGrants(LiveTableReader reader, long newOid, List<AclEntry> defaultGrants, LiveState live)
            throws SQLException {
        if (table.isStaged()) {
            AclSync.apply(connection, reader, newOid, liveName(), defaultGrants);
        }
        if (live.exists()) {
            AclSync.apply(connection, reader, newOid, liveName(), live.grants());
        }
    }

    /** A trigger is created enabled; one that was disabled, or set to fire on replicas or always, is set so again. */
    private void recreateTriggers(List<UserTrigger> triggers) throws SQLException {
        for (UserTrigger trigger : triggers) {
            execute(trigger.definition());
            String name = Sql.quoteIdent(trigger.name());
            if ("D".equals(trigger.enabled())) {
                execute("ALTER TABLE " + liveName() + " DISABLE TRIGGER " + name);
            } else if ("R".equals(trigger.enabled())) {
                execute("ALTER TABLE " + liveName() + " ENABLE REPLICA TRIGGER " + name);
            } else if ("A".equals(trigger.enabled())) {
                execute("ALTER TABLE " + liveName() + " ENABLE ALWAYS TRIGGER " + name);
            }
        }
    }

    private String liveName() {
        return Sql.publicTable(request.resourceId());
    }

    /**
     * What {@code SELECT * FROM "<rid>"} looks like as a view of the live table: CKAN's aliases are
     * exactly that, and they must come back as {@code SELECT *} of the new columns.
     */
    private String probeAliasDefinition() throws SQLException {
        String probe = table.probeName("alias");
        execute("SAVEPOINT dpw_probe");
        try {
            execute("CREATE VIEW " + Sql.publicTable(probe) + " AS SELECT * FROM " + liveName());
            return Jdbc.single(connection, "SELECT pg_catalog.pg_get_viewdef(c.oid) FROM pg_catalog.pg_class c"
                            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?",
                    row -> row.getString(1), Sql.SCHEMA, probe);
        } finally {
            execute("ROLLBACK TO SAVEPOINT dpw_probe");
            execute("RELEASE SAVEPOINT dpw_probe");
        }
    }

    /**
     * A live column keeps its comment, or its lack of one; only a new column gets a label. A kept
     * comment is rewritten only where the target CKAN could not read it: see
     * {@link ColumnComments#inFormat}.
     */
    private void writeColumnComments(Map<String, String> liveComments) throws SQLException {
        CommentFormat format = request.ckan().commentFormat();
        for (LoadResult.Column column : columns) {
            String comment = liveComments.containsKey(column.id())
                    ? ColumnComments.inFormat(liveComments.get(column.id()), format)
                    : ColumnComments.labelComment(label(column.id()), format);
            if (comment != null) {
                execute("COMMENT ON COLUMN " + table.qualified() + "." + Sql.quoteIdent(column.id())
                        + " IS " + Sql.quoteLiteral(comment));
            }
        }
    }

    private String label(String columnId) {
        return request.analysis().columns().stream()
                .filter(p -> p.id().equals(columnId))
                .map(p -> p.label() == null ? columnId : p.label())
                .findFirst().orElse(columnId);
    }

    /**
     * Puts the new table where the live one was, under CKAN's names. A staged table already has
     * them (its schema kept them apart), so it only changes schema, taking its sequence, primary key
     * and indexes along; a table built in this transaction is renamed piece by piece.
     */
    private void moveIntoPlace(LiveTableReader reader) throws SQLException {
        if (table.isStaged()) {
            execute("ALTER TABLE " + table.qualified() + " SET SCHEMA " + Sql.quoteIdent(Sql.SCHEMA));
            return;
        }
        String rid = request.resourceId();
        String tempName = table.name();
        long tempOid = reader.tableOid(tempName).orElseThrow(() -> new SQLException("the new table " + tempName + " is gone"));
        SequenceAndKey owned = Jdbc.single(connection,
                "SELECT (SELECT s.relname FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class s ON s.oid = d.objid"
                        + "   WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass"
                        + "   AND d.refobjid = ?::oid AND s.relkind = 'S' LIMIT 1),"
                        + " (SELECT con.conname FROM pg_catalog.pg_constraint con WHERE con.conrelid = ?::oid AND con.contype = 'p')",
                row -> new SequenceAndKey(row.getString(1), row.getString(2)), tempOid, tempOid);
        execute("ALTER TABLE " + Sql.publicTable(tempName) + " RENAME TO " + Sql.quoteIdent(rid));
        if (owned.sequence() != null) {
            execute("ALTER SEQUENCE " + Sql.publicTable(owned.sequence()) + " RENAME TO " + Sql.quoteIdent(rid + "__id_seq"));
        }
        if (owned.primaryKey() != null) {
            execute("ALTER TABLE " + liveName() + " RENAME CONSTRAINT " + Sql.quoteIdent(owned.primaryKey())
                    + " TO " + Sql.quoteIdent(rid + "_pkey"));
        }
        for (IndexSpec index : indexes) {
            execute("ALTER INDEX " + Sql.publicTable(index.buildName()) + " RENAME TO " + Sql.quoteIdent(index.ckanName()));
        }
    }

    /** The privileges a table created in {@code public} right now gets: the owner's, and the default privileges. */
    private List<AclEntry> defaultPrivileges(LiveTableReader reader) throws SQLException {
        String probe = table.probeName("acl");
        execute("SAVEPOINT dpw_probe");
        try {
            execute("CREATE TABLE " + Sql.publicTable(probe) + " ()");
            return reader.acl(reader.tableOid(probe).orElseThrow());
        } finally {
            execute("ROLLBACK TO SAVEPOINT dpw_probe");
            execute("RELEASE SAVEPOINT dpw_probe");
        }
    }

    private void recreateView(DependentView view, String aliasDefinition, LiveTableReader reader)
            throws SQLException, LoadException {
        boolean alias = view.direct() && aliasDefinition != null && aliasDefinition.equals(view.definition());
        String body = alias ? "SELECT * FROM " + liveName() : stripSemicolon(view.definition());
        String ddl = "CREATE VIEW " + view.qualifiedName() + options(view.options()) + " AS " + body;
        execute("SAVEPOINT dpw_view");
        try {
            execute(ddl);
            execute("RELEASE SAVEPOINT dpw_view");
        } catch (SQLException e) {
            execute("ROLLBACK TO SAVEPOINT dpw_view");
            execute("RELEASE SAVEPOINT dpw_view");
            if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                throw e;
            }
            throw new LoadException("the view " + view.schema() + "." + view.name()
                    + " that depends on the live table cannot be recreated on the new data (" + Sql.serverMessage(e)
                    + "); nothing was changed", e);
        }
        long oid = viewOid(view);
        AclSync.apply(connection, reader, oid, view.qualifiedName(), view.acl());
        if (view.comment() != null) {
            execute("COMMENT ON VIEW " + view.qualifiedName() + " IS " + Sql.quoteLiteral(view.comment()));
        }
    }

    private long viewOid(DependentView view) throws SQLException {
        return Jdbc.single(connection, "SELECT c.oid FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
                        + " ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?",
                row -> row.getLong(1), view.schema(), view.name());
    }

    private static String options(List<String> options) {
        if (options.isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (String option : options) {
            int eq = option.indexOf('=');
            String name = eq >= 0 ? option.substring(0, eq) : option;
            String value = eq >= 0 ? option.substring(eq + 1) : null;
            if (!OPTION_NAME.matcher(name).matches()) {
                continue;
            }
            if (value == null) {
                parts.add(name);
            } else {
                parts.add(name + "=" + (SIMPLE_OPTION_VALUE.matcher(value).matches() ? value : Sql.quoteLiteral(value)));
            }
        }
        return parts.isEmpty() ? "" : " WITH (" + String.join(", ", parts) + ")";
    }

    private static String stripSemicolon(String definition) {
        String trimmed = definition.strip();
        return trimmed.endsWith(";") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }

    private void writeMarker() throws SQLException {
        Map<String, Object> marker = LoadMarker.of(request);
        if (restoring != null) {
            marker.put("restored_version", restoring.version());
            marker.put("restored_hash", restoring.hash() == null ? "" : restoring.hash());
        }
        if (!deferred.isEmpty()) {
            Map<String, String> pending = new LinkedHashMap<>();
            deferred.forEach(index -> pending.put(index.ckanName(), index.definition()));
            marker.put("pending_indexes", pending);
        }
        LoadMarker.write(connection, request.resourceId(), marker);
    }

    private void recacheRowCount() throws SQLException {
        LoadMarker.recacheRowCount(connection, request.resourceId(), rows);
    }

    private void setLocal(String parameter, String value) throws SQLException {
        Jdbc.call(connection, "SELECT pg_catalog.set_config(?, ?, true)", parameter, value);
    }

    private void execute(String sql) throws SQLException {
        Jdbc.execute(connection, sql);
    }
}
