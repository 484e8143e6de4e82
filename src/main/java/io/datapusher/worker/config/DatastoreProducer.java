package io.datapusher.worker.config;

import io.datapusher.worker.datastore.DatastoreConnections;
import io.datapusher.worker.datastore.DatastoreLoader;
import io.datapusher.worker.datastore.History;
import io.datapusher.worker.datastore.IncrementalLoad;
import io.datapusher.worker.datastore.LoaderSettings;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Builds the plain-Java DataStore writer from the service's configuration. */
@ApplicationScoped
public class DatastoreProducer {

    /** How often PostgreSQL checks that a loading worker is still connected. */
    private static final java.time.Duration CONNECTION_CHECK_INTERVAL = java.time.Duration.ofSeconds(5);

    @Produces
    @ApplicationScoped
    DatastoreConnections datastoreConnections(DatastoreConfig config) {
        return DatastoreConnections.fromCkanUrl(config.writeUrl());
    }

    /** Built at startup, so that a bad setting stops the worker before it takes a job. */
    @Produces
    @ApplicationScoped
    @Startup
    DatastoreLoader datastoreLoader(DatastoreConnections connections, IngestConfig config) {
        LoaderSettings settings = new LoaderSettings(config.fts().lang(), config.fts().indexMethod(), config.fts().fieldTypeList(),
                config.swap().lockTimeout(), config.swap().budget(), CONNECTION_CHECK_INTERVAL, config.load().checkedParallelism());
        return new DatastoreLoader(connections, settings, new History(connections, config.history().policy()));
    }

    @Produces
    @ApplicationScoped
    IncrementalLoad incrementalLoad(DatastoreConnections connections, IngestConfig config, DatastoreLoader loader) {
        double fraction = config.incremental().maxFraction();
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("INGEST_INCREMENTAL_MAX_FRACTION must be between 0 and 1, not " + fraction);
        }
        // the full loads' history: an incremental load records its change there, beside the tables they replace
        return new IncrementalLoad(connections, fraction, loader.history());
    }
}
