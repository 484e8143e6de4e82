package io.datapusher.worker.saga;

import io.datapusher.worker.IngestJob;
import io.datapusher.worker.JobStatus;
import io.datapusher.worker.StepId;
import io.datapusher.worker.config.IngestConfig;
import io.datapusher.worker.datastore.DatastoreLoader;
import io.datapusher.worker.datastore.LiveTable;
import io.datapusher.worker.datastore.LoadException;
import io.datapusher.worker.saga.step.AnalyzeStep;
import io.datapusher.worker.saga.step.DownloadStep;
import io.datapusher.worker.saga.step.FetchResourceStep;
import io.datapusher.worker.saga.step.LoadStep;
import io.datapusher.worker.saga.step.UpdateMetadataStep;
import io.datapusher.worker.service.IngestJobService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ingest saga of design.md §3. The steps run in this order, and each transition is written to
 * the job row before the next step starts:
 *
 * <pre>
 *   fetch-resource → download → analyze → load (the pivot) → update-metadata
 * </pre>
 *
 * Before the pivot a failure changes nothing in the DataStore; after it the new data is live and
 * only CKAN's metadata can still be missing, which the metadata-pending retry takes care of. A job
 * that comes back after its load committed (its message was redelivered after a crash) resumes at
 * update-metadata without loading again. A failure of the jobs database itself is not caught here:
 * it fails the returned Uni, and the listener hands the message back for later.
 */
@ApplicationScoped
public class IngestSaga {

    private static final Logger LOG = Logger.getLogger(IngestSaga.class);

    private final FetchResourceStep fetchResource;
    private final DownloadStep download;
    private final AnalyzeStep analyze;
    private final LoadStep load;
    private final UpdateMetadataStep updateMetadata;
    private final IngestJobService jobs;
    private final DatastoreLoader datastore;
    private final IngestConfig config;

    public IngestSaga(FetchResourceStep fetchResource, DownloadStep download, AnalyzeStep analyze, LoadStep load,
                      UpdateMetadataStep updateMetadata, IngestJobService jobs, DatastoreLoader datastore,
                      IngestConfig config) {
        this.fetchResource = fetchResource;
        this.download = download;
        this.analyze = analyze;
        this.load = load;
        this.updateMetadata = updateMetadata;
        this.jobs = jobs;
        this.datastore = datastore;
        this.config = config;
    }

    public Uni<SagaResult> run(IngestJob job) {
        IngestContext start = IngestContext.start(job.jobId, job.resourceId, job.ignoreHash, job.createdAt.toInstant());
        AtomicReference<StepId> current = new AtomicReference<>();
        AtomicReference<IngestContext> latest = new AtomicReference<>(start);
        return resumePoint(start, job)
                .call(this::finishLiveTable)
                .chain(ctx -> runStep(fetchResource, ctx, current, latest))
                .chain(ctx -> runStep(download, ctx, current, latest))
                .chain(ctx -> runStep(analyze, ctx, current, latest))
                .chain(ctx -> runStep(load, ctx, current, latest))
                .call(this::recordPivot)
                .chain(ctx -> runStep(updateMetadata, ctx, current, latest))
                .chain(ctx -> end(ctx, current.get()))
                .ifNoItem().after(config.jobTimeout()).failWith(() -> StepFailure.failed(
                        "the job ran longer than INGEST_JOB_TIMEOUT (" + config.jobTimeout() + ")"))
                .onFailure(StepFailure.class).recoverWithUni(f -> fail(latest.get(), current.get(), (StepFailure) f))
                .eventually(() -> TempFiles.deleteWithPrefix(start.tempFilePrefix(), config.tempDir()));
    }

    /**
     * Past the pivot when the job row says its load committed, or when the live table's marker
     * names this job (the process died between the commit and writing that down).
     */
    private Uni<IngestContext> resumePoint(IngestContext start, IngestJob job) {
        if (job.loadedAt != null && job.hash != null) {
            return Uni.createFrom().item(start.pastThePivot(job.hash));
        }
        return Offload.blocking(() -> datastore.describe(start.resourceId()))
                .onFailure().recoverWithItem(Optional.empty())
                .chain(live -> {
                    Optional<LiveTable.Marker> marker = live.flatMap(LiveTable::marker)
                            .filter(m -> start.jobId().toString().equals(m.jobId()) && m.hash() != null);
                    if (marker.isEmpty()) {
                        return Uni.createFrom().item(start);
                    }
                    LOG.infof("Job %s (resource %s): its load had committed; resuming at update-metadata",
                            start.jobId(), start.resourceId());
                    // Whether it was a first load is not known any more; creating default views is idempotent.
                    return jobs.recordLoaded(start.jobId(), marker.get().hash(), job.rows == null ? 0 : job.rows, true,
                                    marker.get().loadedAt())
                            .replaceWith(start.pastThePivot(marker.get().hash()));
                });
    }

    /**
     * A job that resumes past the pivot may have died before it built its text columns' full-text
     * indexes on the live table: the table's marker lists them, and they are built now. A DataStore
     * outage sends the job back for later; any other failure is logged, as the data is live anyway.
     */
    private Uni<Void> finishLiveTable(IngestContext context) {
        if (!context.isPastThePivot()) {
            return Uni.createFrom().voidItem();
        }
        return Offload.blocking(() -> datastore.completePendingIndexes(context.resourceId()))
                .invoke(built -> {
                    if (built > 0) {
                        LOG.infof("Job %s (resource %s): built %d full-text index(es) left after its swap", context.jobId(),
                                context.resourceId(), built);
                    }
                })
                .replaceWithVoid()
                .onFailure(e -> e instanceof LoadException load && load.isTransient()
                        || e instanceof java.sql.SQLException sql && new LoadException("", sql).isTransient())
                .transform(e -> StepFailure.retryLater("the DataStore database is unavailable, the job will be retried: "
                        + e.getMessage(), e))
                .onFailure(e -> !(e instanceof StepFailure)).recoverWithUni(e -> {
                    LOG.warnf("Job %s (resource %s): the full-text indexes left after its swap could not be built: %s",
                            context.jobId(), context.resourceId(), e.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    private Uni<IngestContext> runStep(IngestStep step, IngestContext context, AtomicReference<StepId> current,
                                       AtomicReference<IngestContext> latest) {
        if (context.ended() || (context.isPastThePivot() && step.id() != StepId.UPDATE_METADATA)) {
            return Uni.createFrom().item(context);
        }
        current.set(step.id());
        latest.set(context);
        LOG.infof("Job %s (resource %s): %s", context.jobId(), context.resourceId(), step.id());
        return jobs.stepStarted(context.jobId(), step.id())
                .chain(() -> step.execute(context)
                        .onFailure(e -> !(e instanceof StepFailure)).transform(e -> StepFailure.failed(
                                step.id() + " failed unexpectedly: " + e.getMessage(), e)))
                .invoke(latest::set)
                .call(next -> next.ended()
                        ? Uni.createFrom().voidItem()
                        : jobs.stepSucceeded(context.jobId(), step.id(), next.detail(), next.warnings()));
    }

    /** The load committed: write that down before anything else can fail. */
    private Uni<Void> recordPivot(IngestContext context) {
        if (context.loadResult() == null) {
            return Uni.createFrom().voidItem();
        }
        return jobs.recordLoaded(context.jobId(), context.hash(), context.loadResult().rows(),
                !context.loadResult().replaced(), context.loadResult().liveAt());
    }

    private Uni<SagaResult> end(IngestContext context, StepId lastStep) {
        JobStatus status = context.ended() ? context.endedWith() : JobStatus.COMPLETE;
        String detail = context.ended() ? context.detail() : null;
        LOG.infof("Job %s (resource %s) ended %s", context.jobId(), context.resourceId(), status.id());
        Uni<Void> facts = context.file() == null ? Uni.createFrom().voidItem()
                : jobs.recordDownload(context.jobId(), context.file().md5());
        return facts.chain(() -> jobs.finish(context.jobId(), lastStep, status, detail))
                .replaceWith(new SagaResult(status, false));
    }

    private Uni<SagaResult> fail(IngestContext context, StepId step, StepFailure failure) {
        if (failure.outcome() == JobStatus.QUEUED) {
            LOG.warnf("Job %s (resource %s) will be retried: %s", context.jobId(), context.resourceId(), failure.getMessage());
            return jobs.requeue(context.jobId(), step, failure.getMessage()).replaceWith(new SagaResult(JobStatus.QUEUED, true));
        }
        Logger.Level level = failure.outcome() == JobStatus.FAILED ? Logger.Level.ERROR : Logger.Level.WARN;
        LOG.logf(level, "Job %s (resource %s) ended %s at %s: %s", context.jobId(), context.resourceId(),
                failure.outcome().id(), step, failure.getMessage());
        // What the job still owes CKAN (a metadata retry, a callback) is the follow-up's, after this.
        return jobs.finish(context.jobId(), step, failure.outcome(), failure.getMessage())
                .replaceWith(new SagaResult(failure.outcome(), false));
    }
}
