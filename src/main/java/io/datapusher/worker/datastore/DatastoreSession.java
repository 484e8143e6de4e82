package io.datapusher.worker.datastore;

import java.sql.Connection;
import java.sql.SQLException;

/** The session settings every connection of a load or restore runs with, whatever the role or database sets. */
final class DatastoreSession {

    private DatastoreSession() {
    }

    /**
     * @param local for this transaction only ({@code SET LOCAL}), else for the session
     */
    static void prepare(Connection connection, LoaderSettings settings, boolean local) throws SQLException {
        // Unqualified names in trigger and view definitions must resolve exactly as CKAN's do.
        set(connection, "search_path", Sql.SCHEMA, local);
        if (!"on".equals(show(connection, "standard_conforming_strings"))) {
            // Sql.quoteLiteral relies on it: with it off a backslash in a label would change the literal.
            set(connection, "standard_conforming_strings", "on", local);
        }
        // A role's or the database's own timeouts must not end a long build, nor the coordinator's
        // session while it idles between phases: that would free the resource's lock under a running load.
        set(connection, "statement_timeout", "0", local);
        set(connection, "idle_in_transaction_session_timeout", "0", local);
        if (connection.getMetaData().getDatabaseMajorVersion() >= 14) {
            set(connection, "idle_session_timeout", "0", local);
            // A backend whose worker died stops at its next check, and frees the resource's lock.
            set(connection, "client_connection_check_interval", settings.connectionCheckInterval().toMillis() + "ms", local);
        }
        if (!local) {
            // An idle coordinator whose host vanished is noticed in seconds, not after the OS's two hours.
            set(connection, "tcp_keepalives_idle", "10", false);
            set(connection, "tcp_keepalives_interval", "5", false);
            set(connection, "tcp_keepalives_count", "3", false);
        }
    }

    private static String show(Connection connection, String parameter) throws SQLException {
        return Jdbc.single(connection, "SELECT pg_catalog.current_setting(?)", row -> row.getString(1), parameter);
    }

    static void set(Connection connection, String parameter, String value, boolean local) throws SQLException {
        Jdbc.call(connection, "SELECT pg_catalog.set_config(?, ?, ?)", parameter, value, local);
    }
}
