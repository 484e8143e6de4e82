package io.datapusher.worker.datastore;

import org.postgresql.PGConnection;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** The little that the parallel phases of a staged load share: their threads and how they stop. */
final class Parallel {

    private Parallel() {
    }

    static Thread start(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Waits for every thread; an interrupt is kept for the caller and stops the wait. */
    static void join(List<Thread> threads) throws LoadException {
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LoadException("the load was interrupted; nothing was changed", e);
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
