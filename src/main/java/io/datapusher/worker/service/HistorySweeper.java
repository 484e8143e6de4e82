package io.datapusher.worker.service;

import io.datapusher.worker.datastore.DatastoreLoader;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Applies the history retention (INGEST_HISTORY_VERSIONS, _MAX_AGE, _MAX_BYTES) to the kept
 * tables and to the changes incremental loads kept, drops a change once a later swap replaced the
 * table it changed (it can no longer be undone), and drops the history of resources whose live
 * table is gone (deleted in CKAN). It only ever drops tables of the history schema, each under its
 * resource's lock, so a load or restore running on any replica keeps what it is using.
 */
@ApplicationScoped
public class HistorySweeper {

    private static final Logger LOG = Logger.getLogger(HistorySweeper.class);

    private final DatastoreLoader datastore;

    public HistorySweeper(DatastoreLoader datastore) {
        this.datastore = datastore;
    }

    @Scheduled(every = "${ingest.temp.sweep-interval:5m}", delayed = "15s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return Offload.blocking(() -> datastore.history().sweep())
                .invoke(dropped -> {
                    if (dropped > 0) {
                        LOG.infof("Dropped %d kept table version(s) past the history retention", dropped);
                    }
                })
                .onFailure().invoke(e -> LOG.warnf("Could not sweep the history schema: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
