package io.datapusher.worker.datastore;

import io.datapusher.worker.datastore.LiveTableReader.LiveIndex;
import org.postgresql.util.PSQLException;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Builds the planned indexes, on one connection inside the load's transaction, or on several
 * connections at once when the table is staged (GiST builds are single-threaded in PostgreSQL, so
 * only separate connections build them side by side; each takes a SHARE lock, which lets the others
 * build at the same time).
 *
 * <p>A CKAN full-text index that cannot be built fails the load, as CKAN's {@code datastore_create}
 * would. An index carried over from the live table is dropped with a warning when the new data
 * breaks it, unless it is the Data Dictionary's {@code primary_key}: that one fails the load with
 * nothing changed, because {@code datastore_upsert} relies on it.
 */
final class IndexBuild {

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String QUERY_CANCELED = "57014";
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private IndexBuild() {
    }

    /** In the load's own transaction: each carried index in a savepoint, so that a failed one can be dropped. */
    static List<IndexSpec> serial(Connection connection, NewTable table, List<IndexSpec> specs, List<String> warnings)
            throws SQLException, LoadException {
        String resourceId = table.resourceId();
        List<IndexSpec> built = new ArrayList<>();
        try (Statement st = connection.createStatement()) {
            for (IndexSpec spec : specs) {
                if (spec.carried().isEmpty()) {
                    st.execute(spec.ddl(table));
                    built.add(spec);
                    continue;
                }
                st.execute("SAVEPOINT dpw_index");
                try {
                    st.execute(spec.ddl(table));
                    st.execute("RELEASE SAVEPOINT dpw_index");
                    built.add(spec);
                } catch (SQLException e) {
                    st.execute("ROLLBACK TO SAVEPOINT dpw_index");
                    st.execute("RELEASE SAVEPOINT dpw_index");
                    warnings.add(dropped(resourceId, spec.carried().get(), e));
                }
            }
        }
        return built;
    }

    /**
     * On committed, autocommit connections, each taking the next index from a shared queue. A failed
     * {@code CREATE INDEX} leaves nothing behind; the first failure that fails the load stops the
     * others.
     */
    static List<IndexSpec> parallel(List<Connection> connections, String resourceId, List<IndexSpec> specs,
                                    Function<IndexSpec, String> ddl, List<String> warnings, BooleanSupplier cancelled)
            throws SQLException, LoadException {
        List<IndexSpec> longestFirst = new ArrayList<>(specs);
        longestFirst.sort(Comparator.comparingInt(IndexSpec::weight).reversed());
        ConcurrentLinkedQueue<IndexSpec> queue = new ConcurrentLinkedQueue<>(longestFirst);
        List<IndexSpec> built = Collections.synchronizedList(new ArrayList<>());
        List<String> found = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Exception> failure = new AtomicReference<>();
        BooleanSupplier stopped = () -> failure.get() != null || cancelled.getAsBoolean();
        List<Thread> threads = new ArrayList<>();
        for (Connection connection : connections) {
            threads.add(Parallel.start("dpw-index", () -> {
                try (Statement st = connection.createStatement()) {
                    for (IndexSpec spec = queue.poll(); spec != null && !stopped.getAsBoolean(); spec = queue.poll()) {
                        build(st, resourceId, spec, ddl.apply(spec), built, found);
                    }
                } catch (Exception e) {
                    if (failure.compareAndSet(null, e)) {
                        Parallel.cancelAll(connections);
                    }
                }
            }));
        }
        Parallel.join(threads, connections, stopped);
        Parallel.rethrow(failure.get());
        if (cancelled.getAsBoolean()) {
            throw new LoadException("the load was cancelled while building indexes");
        }
        warnings.addAll(found);
        // CKAN's order, whatever order the connections finished in
        List<IndexSpec> ordered = new ArrayList<>(specs);
        ordered.retainAll(built);
        return ordered;
    }

    private static void build(Statement st, String resourceId, IndexSpec spec, String ddl, List<IndexSpec> built,
                              List<String> warnings) throws SQLException, LoadException {
        try {
            st.execute(ddl);
            built.add(spec);
        } catch (SQLException e) {
            if (spec.carried().isEmpty()) {
                throw e;
            }
            warnings.add(dropped(resourceId, spec.carried().get(), e));
        }
    }

    /** The warning for a carried index the new data does not allow, or the failure it means for the load. */
    private static String dropped(String resourceId, LiveIndex index, SQLException e) throws SQLException, LoadException {
        String detail = e instanceof PSQLException p && p.getServerErrorMessage() != null
                && p.getServerErrorMessage().getDetail() != null ? " (" + p.getServerErrorMessage().getDetail() + ")" : "";
        if (index.isCkanPrimaryKey(resourceId)) {
            if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw new LoadException("the new data violates the unique index " + index.name() + " on "
                        + index.columns() + " that the live table has" + detail + "; nothing was changed", e);
            }
            throw new LoadException("the unique index " + index.name() + " on " + index.columns()
                    + " cannot be built on the new data: " + Sql.serverMessage(e) + "; nothing was changed", e);
        }
        if (QUERY_CANCELED.equals(e.getSQLState()) || LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
            throw e;
        }
        if (index.unique() && UNIQUE_VIOLATION.equals(e.getSQLState())) {
            return "the unique index " + index.name() + " on " + index.columns() + " was dropped: the new data"
                    + " has duplicates" + detail + ", and it is not a CKAN primary_key (DataPusher+ makes such"
                    + " indexes on columns whose values happened to be distinct)";
        }
        return "index " + index.name() + " was not recreated: " + Sql.serverMessage(e);
    }
}
