package io.datapusher.worker.testsupport;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.datastore.DatastoreConnections;
import io.datapusher.worker.datastore.DatastoreLoader;
import io.datapusher.worker.datastore.LoadException;
import io.datapusher.worker.datastore.LoadRequest;
import io.datapusher.worker.datastore.LoadResult;
import io.datapusher.worker.datastore.LoaderSettings;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * A throw-away DataStore database set up as one CKAN release, a loader that writes for that
 * release, and a resource id: for tests that must hold on CKAN 2.10, 2.11 and 2.12 alike.
 */
public final class ReleaseDatastore implements AutoCloseable {

    public final CkanRelease release;
    public final DatastoreTestDatabase db;
    public final DatastoreLoader loader;
    public final String rid = UUID.randomUUID().toString();
    /** The resource's table, quoted. */
    public final String table = "\"" + rid + "\"";

    private ReleaseDatastore(CkanRelease release, LoaderSettings settings) throws SQLException, IOException {
        this.release = release;
        this.db = new DatastoreTestDatabase(release);
        this.loader = new DatastoreLoader(DatastoreConnections.fromCkanUrl(db.writeUrl()), settings);
    }

    public static ReleaseDatastore of(CkanRelease release) throws SQLException, IOException {
        return new ReleaseDatastore(release, LoaderSettings.defaults());
    }

    public static ReleaseDatastore of(CkanRelease release, LoaderSettings settings) throws SQLException, IOException {
        return new ReleaseDatastore(release, settings);
    }

    /** Loads {@code analysis} into the resource's table as job {@code jobId}, for this release. */
    public LoadResult load(String jobId, Analysis analysis) throws LoadException {
        return loader.load(new LoadRequest(rid, jobId, "hash-" + jobId, analysis, release.version()));
    }

    /** The data columns' comments in table order, each as {@code name|comment}. */
    public List<String> comments() throws SQLException {
        return db.query("SELECT attname, col_description(attrelid, attnum) FROM pg_attribute WHERE attrelid = '"
                + table + "'::regclass AND attnum > 0 AND NOT attisdropped AND attname NOT LIKE '\\_%' ORDER BY attnum");
    }

    /** The table's indexes, each as {@code name|definition}, by name. */
    public List<String> indexes() throws SQLException {
        return db.query("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = '"
                + rid + "' ORDER BY indexname");
    }

    /**
     * The comment this release's datastore_create writes for {@code info = {"label": label, "notes": notes}}
     * (plain ASCII without quotes or backslashes, so that it can be spelt out here).
     */
    public String labelAndNotes(String label, String notes) {
        return switch (release.version().commentFormat()) {
            case CKAN_2_10 -> "{\"label\": \"" + label + "\", \"notes\": \"" + notes + "\"}";
            case CKAN_2_11 -> " {\"_info\":{\"label\":\"" + label + "\",\"notes\":\"" + notes + "\"}}";
        };
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }
}
