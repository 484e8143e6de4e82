package io.datapusher.worker.benchmark;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.StringJoiner;

/**
 * A CKAN reader of the live table while a load runs: one thread, its own connection as the
 * DataStore read role, calling what CKAN 2.10/2.11's {@code datastore_search} runs for a default
 * request (no filters, limit 100, total included), again and again, with a short pause between
 * calls. Each call is one transaction, as in CKAN:
 * <pre>
 *   SET LOCAL statement_timeout = 60000
 *   SELECT * FROM "rid" LIMIT 1                                 -- _get_fields: the columns
 *   SELECT array_to_json(array_agg(j))::text FROM (SELECT "_id", ... FROM
 *       (SELECT * FROM "rid" ORDER BY "_id" LIMIT 100 OFFSET 0) AS z) AS j   -- the records
 *   SELECT count(*) FROM (SELECT "_id", ... FROM "rid") AS t   -- the total
 * </pre>
 * It records how long each call took (a call blocked by a lock lasts as long as the lock is held
 * against it), every error, and when a call first saw the table at a given row count.
 */
final class ReaderLoop implements AutoCloseable {

    interface Connector {
        Connection connect() throws SQLException;
    }

    /** {@code longestStartedAt} and {@code longestSawRows} (-1 for an error) place the longest call against the load. */
    record Stats(int calls, int errors, long longestMillis, long medianMillis, Instant longestStartedAt,
                 long longestSawRows, List<String> firstErrors) {
    }

    private final Connector connector;
    private final String table;
    private final Duration pause;
    private final Thread thread;
    private final List<Long> callMillis = Collections.synchronizedList(new ArrayList<>());
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean running = true;
    private volatile long watchedRows = -1;
    private volatile Instant watchedSeenAt;
    private long longestMillis = -1; // these three guarded by callMillis
    private Instant longestStartedAt;
    private long longestSawRows;

    ReaderLoop(Connector connector, String table, Duration pause) {
        this.connector = connector;
        this.table = PsqlRecipe.quote(table);
        this.pause = pause;
        this.thread = new Thread(this::loop, "benchmark-reader");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** From now on, remember when a call first returns a total of {@code rows}. */
    void watchFor(long rows) {
        watchedSeenAt = null;
        watchedRows = rows;
    }

    /** The end of the first call that saw the watched row count, or null. */
    Instant watchedSeenAt() {
        return watchedSeenAt;
    }

    /** Forgets the calls so far: what follows is measured afresh. */
    void resetStats() {
        synchronized (callMillis) {
            callMillis.clear();
            longestMillis = -1;
            longestStartedAt = null;
        }
        errors.clear();
    }

    Stats stats() {
        List<Long> sorted;
        Instant longestStart;
        long longestRows;
        synchronized (callMillis) {
            sorted = new ArrayList<>(callMillis);
            longestStart = longestStartedAt;
            longestRows = longestSawRows;
        }
        Collections.sort(sorted);
        List<String> firstErrors;
        int errorCount;
        synchronized (errors) {
            errorCount = errors.size();
            firstErrors = List.copyOf(errors.subList(0, Math.min(3, errorCount)));
        }
        return new Stats(sorted.size(), errorCount,
                sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1),
                sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2), longestStart, longestRows, firstErrors);
    }

    private void loop() {
        Connection connection = null;
        while (running) {
            long start = System.nanoTime();
            Instant startedAt = Instant.now();
            try {
                if (connection == null || connection.isClosed()) {
                    connection = connector.connect();
                    connection.setAutoCommit(false);
                }
                long total = search(connection);
                record((System.nanoTime() - start) / 1_000_000, startedAt, total);
                if (total == watchedRows && watchedSeenAt == null) {
                    watchedSeenAt = Instant.now();
                }
            } catch (SQLException e) {
                long millis = (System.nanoTime() - start) / 1_000_000;
                record(millis, startedAt, -1);
                errors.add(e.getSQLState() + " " + e.getMessage() + " (after " + millis + " ms)");
                connection = rollbackOrDrop(connection);
            }
            sleep(pause);
        }
        closeQuietly(connection);
    }

    private void record(long millis, Instant startedAt, long total) {
        synchronized (callMillis) {
            if (millis > longestMillis) {
                longestMillis = millis;
                longestStartedAt = startedAt;
                longestSawRows = total;
            }
            callMillis.add(millis);
        }
    }

    /** One datastore_search call; returns its total. */
    private long search(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("SET LOCAL statement_timeout = 60000");
            StringJoiner select = new StringJoiner(", ");
            select.add("\"_id\"");
            try (ResultSet rs = st.executeQuery("SELECT * FROM " + table + " LIMIT 1")) {
                ResultSetMetaData md = rs.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    if (!md.getColumnName(i).startsWith("_")) {
                        select.add(PsqlRecipe.quote(md.getColumnName(i)));
                    }
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT array_to_json(array_agg(j))::text FROM (SELECT " + select
                    + " FROM (SELECT * FROM " + table + " ORDER BY \"_id\" LIMIT 100 OFFSET 0) AS z) AS j")) {
                rs.next();
                rs.getString(1);
            }
            long total;
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM (SELECT " + select + " FROM " + table + ") AS t")) {
                rs.next();
                total = rs.getLong(1);
            }
            connection.commit();
            return total;
        }
    }

    private static Connection rollbackOrDrop(Connection connection) {
        try {
            if (connection != null) {
                connection.rollback();
            }
            return connection;
        } catch (SQLException e) {
            closeQuietly(connection);
            return null;
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // the loop is over or the connection is broken; a new one is made if needed
        }
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(Duration.ofMinutes(2).toMillis());
    }
}
