package io.datapusher.worker.datastore;

import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

/** The little that the parallel phases of a staged load share: their threads and how they stop. */
final class Parallel {

    /** How long threads may take to stop after a cancel before their connections are cut off. */
    static final Duration CANCEL_GRACE = Duration.ofSeconds(10);
    private static final Duration JOIN_STEP = Duration.ofMillis(200);

    private Parallel() {
    }

    static Thread start(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /**
     * Waits for every thread, for as long as they work; once the phase is {@code stopped} (a failure,
     * a cancel) the wait is bounded. Their queries are cancelled; a thread still running after
     * {@link #CANCEL_GRACE} (a server that ignores the cancel, a stalled socket) has its connection
     * cut off, and one still running after that is left behind, so that the load ends whatever
     * PostgreSQL does. An interrupt cuts the connections off at once and ends the wait.
     */
    static void join(List<Thread> threads, List<Connection> connections, BooleanSupplier stopped) throws LoadException {
        long stoppedAt = 0;
        boolean cutOff = false;
        for (Thread thread : threads) {
            while (thread.isAlive()) {
                try {
                    thread.join(JOIN_STEP.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    abortAll(connections);
                    throw new LoadException("the load was interrupted; nothing was changed", e);
                }
                if (!thread.isAlive() || !stopped.getAsBoolean()) {
                    continue;
                }
                long now = System.nanoTime();
                if (stoppedAt == 0) {
                    stoppedAt = now;
                    cancelAll(connections);
                } else if (!cutOff && now - stoppedAt > CANCEL_GRACE.toNanos()) {
                    cutOff = true;
                    abortAll(connections);
                } else if (now - stoppedAt > 2 * CANCEL_GRACE.toNanos()) {
                    throw new LoadException("the load's connections did not stop when it was cancelled; nothing was changed");
                }
            }
        }
    }

    /** Asks PostgreSQL to cancel whatever each connection is running, so that the others stop too. */
    static void cancelAll(List<Connection> connections) {
        for (Connection connection : connections) {
            try {
                connection.unwrap(PGConnection.class).cancelQuery();
            } catch (SQLException ignored) {
                // the connection may already be closed or idle: nothing to cancel
            }
        }
    }

    /**
     * Closes the connections' sockets without a word to the server, which frees a thread blocked on
     * one; the backends notice the client is gone and roll back.
     */
    static void abortAll(List<Connection> connections) {
        for (Connection connection : connections) {
            try {
                connection.abort(Runnable::run);
            } catch (SQLException | RuntimeException ignored) {
                // already closed
            }
        }
    }

    /** The first failure of a parallel phase, as the load's own exception types. */
    static void rethrow(Exception failure) throws SQLException, LoadException {
        if (failure == null) {
            return;
        }
        if (failure instanceof LoadException load) {
            throw load;
        }
        if (failure instanceof SQLException sql) {
            throw sql;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        throw new LoadException("the load failed: " + failure.getMessage() + "; nothing was changed", failure);
    }
}
