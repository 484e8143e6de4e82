package io.datapusher.worker.datastore;

import java.sql.SQLException;
import java.util.Set;

/**
 * The load did not happen and nothing in the DataStore changed; the message says why in terms a
 * curator understands.
 */
public class LoadException extends Exception {

    /** Server states that say the connection or the server went away, not that the data is wrong. */
    private static final Set<String> TRANSIENT_STATES = Set.of("57P01", "57P02", "57P03", "53300", "40001", "40P01");

    public LoadException(String message) {
        super(message);
    }

    public LoadException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Whether the same load may well succeed later: the DataStore was unreachable, restarting, or
     * the connection was cut (for example by {@code pg_terminate_backend}).
     */
    public boolean isTransient() {
        for (Throwable t = getCause(); t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || TRANSIENT_STATES.contains(sql.getSQLState()))) {
                return true;
            }
            if (t == t.getCause()) {
                break;
            }
        }
        return false;
    }
}
