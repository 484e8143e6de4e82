package io.datapusher.worker.saga;

import io.datapusher.worker.IngestJob;
import io.datapusher.worker.JobKind;
import io.datapusher.worker.JobStatus;
import io.datapusher.worker.StepId;
import io.datapusher.worker.config.IngestConfig;
import io.datapusher.worker.datastore.DatastoreLoader;
import io.datapusher.worker.datastore.LiveTable;
import io.datapusher.worker.datastore.LoadException;
import io.datapusher.worker.followup.FollowUp;
import io.datapusher.worker.saga.step.AnalyzeStep;
import io.datapusher.worker.saga.step.DownloadStep;
import io.datapusher.worker.saga.step.FetchResourceStep;
import io.datapusher.worker.saga.step.IngestContext;
import io.datapusher.worker.saga.step.IngestStep;
import io.datapusher.worker.saga.step.LoadStep;
import io.datapusher.worker.saga.step.PreviewStep;
import io.datapusher.worker.saga.step.RestoreStep;
import io.datapusher.worker.saga.step.StepFailure;
import io.datapusher.worker.saga.step.StepOutcome;
import io.datapusher.worker.saga.step.UpdateMetadataStep;
import io.datapusher.worker.service.IngestJobService;
import io.datapusher.worker.service.JobMetrics;
import io.datapusher.worker.service.Offload;
import io.datapusher.worker.service.ProgressWriter;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The ingest saga. Its steps run in this order, and each transition is written to the job row
 * before the next step starts:
 *
 * <pre>
 *   load:    fetch-resource → download → analyze → load (the pivot) → update-metadata
 *   restore: restore (the pivot) → update-metadata
 *   preview: fetch-resource → download → analyze → preview
 * </pre>
 *
 * A preview writes nothing to the DataStore or to CKAN.
 *
 * <p>Before the pivot a failure changes nothing in the DataStore; after it the new data is live and
 * only CKAN's metadata can still be missing, which the {@link FollowUp} retries. A job that comes
 * back after its load committed (its message was redelivered after a crash) resumes at
 * update-metadata without loading again. A failure of the jobs database itself is not caught here:
 * it fails the returned Uni, and the listener hands the message back for later. See
 * {@code docs/how-a-job-runs.md}.
 */
@ApplicationScoped
public class IngestSaga {

    private static final Logger LOG = Logger.getLogger(IngestSaga.class);

    private final List<IngestStep> loadSteps;
    private final List<IngestStep> previewSteps;
    private final List<IngestStep> restoreSteps;
    private final IngestJobService jobs;
    private final DatastoreLoader datastore;
    private final JobMetrics metrics;
    private final ProgressWriter progressWriter;
    private final IngestConfig config;

    public IngestSaga(FetchResourceStep fetchResource, DownloadStep download, AnalyzeStep analyze, LoadStep load,
                      RestoreStep restore, UpdateMetadataStep updateMetadata, PreviewStep preview, IngestJobService jobs,
                      DatastoreLoader datastore, JobMetrics metrics, ProgressWriter progressWriter, IngestConfig config) {
        this.loadSteps = List.of(fetchResource, download, analyze, load, updateMetadata);
        this.previewSteps = List.of(fetchResource, download, analyze, preview);
        this.restoreSteps = List.of(restore, updateMetadata);
        this.jobs = jobs;
        this.datastore = datastore;
        this.metrics = metrics;
        this.progressWriter = progressWriter;
        this.config = config;
    }

    public Uni<SagaResult> run(IngestJob job) {
        IngestContext context = IngestContext.of(job);
        context.restoreVersion(job.restoreVersion);
        context.deadline(Instant.now().plus(config.jobTimeout()));
        if (job.kind != JobKind.RESTORE) {
            context.progress(progressWriter.track(job.jobId));
        }
        Progress progress = new Progress();
        List<IngestStep> plan = planFor(job, context);
        Uni<StepId> from = context.isPreview() ? Uni.createFrom().item(StepId.FETCH_RESOURCE)
                : resumePoint(context, job, plan.get(0).id());
        return from
                .call(first -> first == StepId.UPDATE_METADATA ? finishLiveTable(context) : Uni.createFrom().voidItem())
                .chain(first -> runFrom(plan, indexOf(plan, first), context, progress))
                .chain(ending -> end(context, progress.step, ending))
                .onFailure(StepFailure.class).recoverWithUni(f -> fail(context, progress.step, (StepFailure) f))
                .eventually(() -> {
                    // a job whose end could not be written stops its progress too; one that ended keeps its end
                    progressWriter.end(context.jobId(), context.progress(), false);
                    TempFiles.deleteWithPrefix(context.tempFilePrefix(), config.temp().dir());
                });
    }

    /** The step running now, for the job record of a failure. */
    private static final class Progress {
        StepId step;
    }

    /** Runs the steps from {@code index} on, one after another, until one ends the job or none is left. */
    private Uni<Optional<StepOutcome.Ending>> runFrom(List<IngestStep> steps, int index, IngestContext context,
                                                      Progress progress) {
        if (index == steps.size()) {
            return Uni.createFrom().item(Optional.empty());
        }
        IngestStep step = steps.get(index);
        progress.step = step.id();
        long started = System.nanoTime();
        LOG.infof("Job %s (resource %s): %s", context.jobId(), context.resourceId(), step.id());
        return jobs.stepStarted(context.jobId(), step.id())
                .chain(() -> withinDeadline(step, context)
                        .onFailure(e -> !(e instanceof StepFailure)).transform(e -> StepFailure.failed(
                                step.id() + " failed unexpectedly: " + e.getMessage(), e)))
                .invoke(() -> metrics.stepTook(step.id(), System.nanoTime() - started))
                .call(outcome -> outcome.ending().isPresent() ? Uni.createFrom().voidItem()
                        : jobs.stepSucceeded(context.jobId(), step.id(), outcome.detail(), outcome.warnings()))
                .call(outcome -> isPivot(step.id()) ? recordPivot(context) : Uni.createFrom().voidItem())
                .chain(outcome -> outcome.ending().isPresent() ? Uni.createFrom().item(outcome.ending())
                        : runFrom(steps, index + 1, context, progress));
    }

    /**
     * INGEST_JOB_TIMEOUT bounds the steps before the load. The load keeps the deadline itself, up to
     * its swap (see {@link LoadStep}); what follows the swap is not bounded by it: the data is live,
     * and ending the job failed then would tell CKAN a lie and leave the live table unfinished. A
     * restore's swap is bounded by INGEST_SWAP_BUDGET, as a load's.
     */
    private Uni<StepOutcome> withinDeadline(IngestStep step, IngestContext context) {
        if (isPivot(step.id()) || step.id() == StepId.UPDATE_METADATA) {
            return step.execute(context);
        }
        Duration left = Duration.between(Instant.now(), context.deadline());
        if (left.isNegative() || left.isZero()) {
            return Uni.createFrom().failure(timedOut());
        }
        return step.execute(context).ifNoItem().after(left).failWith(this::timedOut);
    }

    private StepFailure timedOut() {
        return StepFailure.failed("the job ran longer than INGEST_JOB_TIMEOUT (" + config.jobTimeout() + ")");
    }

    /**
     * Where the job starts: update-metadata when the job row says its load committed, or when the
     * live table's marker names this job (the process died between the commit and writing that
     * down); its first step otherwise (fetch-resource for a load, restore for a restore).
     */
    private Uni<StepId> resumePoint(IngestContext context, IngestJob job, StepId first) {
        if (job.loadedAt != null && job.hash != null) {
            context.resumedPastThePivot(job.hash);
            return Uni.createFrom().item(StepId.UPDATE_METADATA);
        }
        return Offload.blocking(() -> datastore.describe(context.resourceId()))
                .onFailure().recoverWithItem(Optional.empty())
                .chain(live -> {
                    Optional<LiveTable.Marker> marker = live.flatMap(LiveTable::marker)
                            .filter(m -> context.jobId().toString().equals(m.jobId()) && m.hash() != null);
                    if (marker.isEmpty()) {
                        return Uni.createFrom().item(first);
                    }
                    LOG.infof("Job %s (resource %s): its load had committed; resuming at update-metadata",
                            context.jobId(), context.resourceId());
                    context.resumedPastThePivot(marker.get().hash());
                    // Whether it was a first load is not known any more; creating default views is idempotent.
                    return jobs.recordLoaded(context.jobId(), marker.get().hash(), job.rows == null ? 0 : job.rows, true,
                                    marker.get().loadedAt())
                            .replaceWith(StepId.UPDATE_METADATA);
                });
    }

    /**
     * A job that resumes past the pivot may have died before it built its text columns' full-text
     * indexes on the live table: the table's marker lists them, and they are built now. A DataStore
     * outage sends the job back for later; any other failure is logged, as the data is live anyway.
     */
    private Uni<Void> finishLiveTable(IngestContext context) {
        return Offload.blocking(() -> datastore.completePendingIndexes(context.resourceId(), context.jobId().toString()))
                .invoke(built -> {
                    if (built > 0) {
                        LOG.infof("Job %s (resource %s): built %d full-text index(es) left after its swap", context.jobId(),
                                context.resourceId(), built);
                    }
                })
                .replaceWithVoid()
                .onCancellation().invoke(() -> datastore.cancel(context.jobId().toString()))
                .onFailure(IngestSaga::isDatastoreOutage).transform(e -> StepFailure.outage(
                        "the DataStore database is unavailable, the job will be retried: " + e.getMessage(), e))
                .onFailure(e -> !(e instanceof StepFailure)).recoverWithUni(e -> {
                    LOG.warnf("Job %s (resource %s): the full-text indexes left after its swap could not be built: %s",
                            context.jobId(), context.resourceId(), e.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    private static boolean isDatastoreOutage(Throwable e) {
        return e instanceof LoadException load && load.isTransient()
                || e instanceof SQLException sql && new LoadException("", sql).isTransient();
    }

    /** The load committed: write that down before anything else can fail. */
    private Uni<Void> recordPivot(IngestContext context) {
        metrics.rowsLoaded(context.loaded().rows());
        Uni<Void> loaded = jobs.recordLoaded(context.jobId(), context.hash(), context.loaded().rows(),
                !context.loaded().replaced(), context.loaded().liveAt());
        var path = context.loadPath();
        return path == null ? loaded : loaded.chain(() -> jobs.recordLoadPath(context.jobId(), path.load().id(), path.reason(),
                path.inserted(), path.updated(), path.deleted()));
    }

    private Uni<SagaResult> end(IngestContext context, StepId lastStep, Optional<StepOutcome.Ending> ending) {
        JobStatus status = ending.map(StepOutcome.Ending::status).orElse(JobStatus.COMPLETE);
        String detail = ending.map(StepOutcome.Ending::reason).orElse(null);
        LOG.infof("Job %s (resource %s) ended %s", context.jobId(), context.resourceId(), status.id());
        Uni<Void> facts = context.file() == null ? Uni.createFrom().voidItem()
                : jobs.recordDownload(context.jobId(), context.file().md5());
        progressWriter.end(context.jobId(), context.progress(),
                status == JobStatus.COMPLETE || status == JobStatus.SKIPPED || status == JobStatus.METADATA_PENDING);
        // counted once written, so that an end that has to be written again is not counted twice
        return facts.chain(() -> jobs.finish(context.jobId(), lastStep, status, detail))
                .invoke(() -> metrics.jobEnded(status))
                .replaceWith(new SagaResult(status, false));
    }

    private Uni<SagaResult> fail(IngestContext context, StepId step, StepFailure failure) {
        if (failure.outcome() == JobStatus.QUEUED) {
            LOG.warnf("Job %s (resource %s) will be retried: %s", context.jobId(), context.resourceId(), failure.getMessage());
            return jobs.backToQueued(context.jobId(), step, failure.getMessage()).replaceWith(new SagaResult(JobStatus.QUEUED, true));
        }
        progressWriter.end(context.jobId(), context.progress(), false);
        Logger.Level level = failure.outcome() == JobStatus.FAILED ? Logger.Level.ERROR : Logger.Level.WARN;
        LOG.logf(level, "Job %s (resource %s) ended %s at %s: %s", context.jobId(), context.resourceId(),
                failure.outcome().id(), step, failure.getMessage());
        // What the job still owes CKAN (a metadata retry, a callback) is the follow-up's, after this.
        Uni<Void> previewed = context.isPreview() && step != StepId.PREVIEW && failure.outcome() == JobStatus.FAILED
                ? jobs.recordPreview(context.jobId(), PreviewStep.failure(context, failure.getMessage()))
                : Uni.createFrom().voidItem();
        return previewed.chain(() -> jobs.finish(context.jobId(), step, failure.outcome(), failure.getMessage()))
                .invoke(() -> metrics.jobEnded(failure.outcome()))
                .replaceWith(new SagaResult(failure.outcome(), false));
    }

    /** The steps a job of this kind runs, in order. */
    private List<IngestStep> planFor(IngestJob job, IngestContext context) {
        if (context.isPreview()) {
            return previewSteps;
        }
        return job.kind == JobKind.RESTORE ? restoreSteps : loadSteps;
    }

    /** The step whose commit puts new data live: a load's, or a restore's. */
    private static boolean isPivot(StepId step) {
        return step == StepId.LOAD || step == StepId.RESTORE;
    }

    private static int indexOf(List<IngestStep> steps, StepId step) {
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).id() == step) {
                return i;
            }
        }
        throw new IllegalArgumentException("no step " + step);
    }
}
