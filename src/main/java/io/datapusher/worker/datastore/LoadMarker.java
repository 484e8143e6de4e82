package io.datapusher.worker.datastore;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every write of the worker leaves on the live table, full load, restore or incremental load
 * alike: the table comment that names the job and its file (so that a job that dies after its commit
 * resumes past it), and CKAN 2.12's cached row count. One writer, so the two paths cannot drift apart.
 */
final class LoadMarker {

    private LoadMarker() {
    }

    /** The marker's members that name the job; callers add their own before {@link #write}. */
    static Map<String, Object> of(LoadRequest request) {
        Map<String, Object> marker = new LinkedHashMap<>();
        marker.put("job_id", request.jobId() == null ? "" : request.jobId());
        marker.put("hash", request.hash() == null ? "" : request.hash());
        marker.put("loaded_at", Instant.now().toString());
        if (request.jobCreatedAt() != null) {
            marker.put("job_created_at", request.jobCreatedAt().toString());
        }
        return marker;
    }

    static void write(Connection connection, String resourceId, Map<String, Object> marker) throws SQLException {
        String json = PythonJson.object(Map.of("datapusher_worker", marker), true);
        Jdbc.execute(connection, "COMMENT ON TABLE " + Sql.publicTable(resourceId) + " IS " + Sql.quoteLiteral(json));
    }

    /**
     * CKAN 2.12 caches each table's row count in {@code _table_stats}, where datastore_search reads
     * its {@code total}, and its datastore_create deletes the table's entry whenever it writes
     * records, then counts again. This leaves what that leaves: the old statistics gone and the new
     * count in their place. Earlier releases have no such table.
     */
    static void recacheRowCount(Connection connection, String resourceId, long rows) throws SQLException {
        boolean cached = Jdbc.single(connection, "SELECT pg_catalog.to_regclass('public._table_stats') IS NOT NULL",
                row -> row.getBoolean(1));
        if (!cached) {
            return;
        }
        String stats = Sql.publicTable("_table_stats");
        Jdbc.call(connection, "DELETE FROM " + stats + " WHERE resource_id = ?", resourceId);
        Jdbc.call(connection, "INSERT INTO " + stats
                + " (resource_id, stats) VALUES (?, pg_catalog.jsonb_build_object('rows', ?::bigint))", resourceId, rows);
    }
}
