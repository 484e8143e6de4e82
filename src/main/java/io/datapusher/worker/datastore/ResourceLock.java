package io.datapusher.worker.datastore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A resource's advisory lock: one load (full or incremental) per resource across all replicas,
 * and a staging table no sweep may take. Held to the end of the transaction, or of the session for
 * a staged load; either way freed when the backend dies.
 */
final class ResourceLock {

    private ResourceLock() {
    }

    /** The lock's key, derived from the resource id alone so that every replica takes the same one. */
    static long key(String resourceId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("datapusher-worker:" + resourceId).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    static void lock(Connection connection, String resourceId, boolean transactionOnly) throws SQLException {
        String lock = transactionOnly ? "pg_advisory_xact_lock" : "pg_advisory_lock";
        Jdbc.call(connection, "SELECT pg_catalog." + lock + "(?)", key(resourceId));
    }

    /**
     * Takes the lock for a load, or refuses at once when another load holds it: waiting for it would
     * hold a consumer (and count against the job's timeout) for as long as that load runs, so the
     * job is handed back and runs after it.
     */
    static void claim(Connection connection, String resourceId, boolean transactionOnly)
            throws SQLException, ResourceBusyException {
        String lock = transactionOnly ? "pg_try_advisory_xact_lock" : "pg_try_advisory_lock";
        boolean locked = Jdbc.single(connection, "SELECT pg_catalog." + lock + "(?)", row -> row.getBoolean(1), key(resourceId));
        if (!locked) {
            throw new ResourceBusyException("another load of this resource is running; this one runs after it");
        }
    }

    static boolean tryLock(Connection connection, String resourceId) throws SQLException {
        return Jdbc.single(connection, "SELECT pg_catalog.pg_try_advisory_lock(?)", row -> row.getBoolean(1), key(resourceId));
    }

    static void unlock(Connection connection, String resourceId) throws SQLException {
        Jdbc.call(connection, "SELECT pg_catalog.pg_advisory_unlock(?)", key(resourceId));
    }

    static void unlockQuietly(Connection connection, String resourceId) {
        try {
            unlock(connection, resourceId);
        } catch (SQLException ignored) {
            // Closing the connection frees the lock as well.
        }
    }
}
