package io.datapusher.worker.service;

import io.datapusher.worker.datastore.DatastoreLoader;
import io.datapusher.worker.service.Offload;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Drops staging tables that no load is building: a worker killed in the middle of a load leaves
 * its half-built table in the staging schema, and the next load of that resource may be far off.
 * A table is dropped only when its resource's lock is free, so a load running on another replica
 * keeps its table.
 */
@ApplicationScoped
public class StagingSweeper {

    private static final Logger LOG = Logger.getLogger(StagingSweeper.class);

    private final DatastoreLoader datastore;

    public StagingSweeper(DatastoreLoader datastore) {
        this.datastore = datastore;
    }

    @Scheduled(every = "${ingest.temp.sweep-interval:5m}", delayed = "10s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return Offload.blocking(datastore::sweepStaging)
                .invoke(dropped -> {
                    if (dropped > 0) {
                        LOG.infof("Dropped %d staging table(s) left by loads that died", dropped);
                    }
                })
                .onFailure().invoke(e -> LOG.warnf("Could not sweep the staging schema: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
