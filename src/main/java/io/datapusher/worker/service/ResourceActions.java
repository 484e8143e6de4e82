package io.datapusher.worker.service;

import io.datapusher.worker.IngestJob;
import io.datapusher.worker.JobKind;
import io.datapusher.worker.datastore.DatastoreLoader;
import io.datapusher.worker.datastore.HistoryVersion;
import io.datapusher.worker.datastore.RestoreRefusedException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * What an operator can ask of a resource, from the jobs API or from the console: a load, a
 * preview, a restore, and the kept versions a restore can bring back. Each request is recorded as
 * a job and published to the queue; the saga never runs here. Both adapters call these, so a button
 * and an API call can never do different things.
 */
@ApplicationScoped
public class ResourceActions {

    private final IngestJobService jobs;
    private final JobQueue queue;
    private final DatastoreLoader datastore;

    public ResourceActions(IngestJobService jobs, JobQueue queue, DatastoreLoader datastore) {
        this.jobs = jobs;
        this.queue = queue;
        this.datastore = datastore;
    }

    /**
     * Records a job of this kind and queues it. Fails when the broker did not take it (the job then
     * ends failed, see {@link IngestJobService#enqueue}).
     *
     * @param fullReload {@code "full": true}: a new table even where an incremental load would do
     */
    public Uni<IngestJob> submit(String resourceId, boolean ignoreHash, JobKind kind, boolean acceptDrift, boolean fullReload) {
        return jobs.createQueued(resourceId, ignoreHash, kind, acceptDrift, fullReload)
                .call(job -> jobs.enqueue(queue, new ResubmitRequest(job.resourceId, ignoreHash, job.jobId)));
    }

    /** A dry run of a load: it writes nothing to the DataStore or to CKAN; its result is the job's {@code preview}. */
    public Uni<IngestJob> preview(String resourceId) {
        return submit(resourceId, true, JobKind.PREVIEW, false, false);
    }

    /**
     * Queues a restore of a kept version. One that cannot be done fails with
     * {@link RestoreRefusedException} before any job exists; the swap checks again.
     *
     * @param version the job id of the version to restore, as the history lists it; null for the newest
     */
    public Uni<IngestJob> restore(String resourceId, String version) {
        return Offload.blocking(() -> {
                    datastore.checkRestore(resourceId, version);
                    return true;
                })
                .chain(() -> jobs.createRestore(resourceId, version))
                .call(job -> jobs.enqueue(queue, new ResubmitRequest(job.resourceId, true, job.jobId)));
    }

    /** The versions of the resource's table kept in history, newest first. */
    public Uni<List<HistoryVersion>> history(String resourceId) {
        return Offload.blocking(() -> datastore.history().versions(resourceId));
    }
}
