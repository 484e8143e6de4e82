package io.datapusher.worker.testsupport;

import io.datapusher.worker.datastore.DatastoreConnections;
import io.datapusher.worker.datastore.DatastoreLoader;
import io.datapusher.worker.datastore.LoaderSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.UUID;

/**
 * A fresh CKAN-like DataStore database per test, a loader connected to it as the write role, and a
 * resource id to load into; the database and its roles are dropped after the test.
 */
public abstract class LoaderTestBase {

    protected DatastoreTestDatabase db;
    protected DatastoreLoader loader;
    protected final String rid = UUID.randomUUID().toString();

    @BeforeEach
    void createDatastore() throws Exception {
        db = new DatastoreTestDatabase();
        loader = new DatastoreLoader(DatastoreConnections.fromCkanUrl(db.writeUrl()), LoaderSettings.defaults());
    }

    @AfterEach
    void dropDatastore() throws Exception {
        db.close();
    }
}
