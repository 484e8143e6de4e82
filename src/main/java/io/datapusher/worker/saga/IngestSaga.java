package io.datapusher.worker.saga;

import io.datapusher.worker.JobStatus;
import io.datapusher.worker.StepId;
import io.datapusher.worker.config.IngestConfig;
import io.datapusher.worker.saga.step.AnalyzeStep;
import io.datapusher.worker.saga.step.DownloadStep;
import io.datapusher.worker.saga.step.FetchResourceStep;
import io.datapusher.worker.saga.step.LoadStep;
import io.datapusher.worker.saga.step.UpdateMetadataStep;
import io.datapusher.worker.service.IngestJobService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

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
 * only CKAN's metadata can still be missing. A failure of the jobs database itself is not caught
 * here: it fails the returned Uni, and the listener hands the message back for later.
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
    private final IngestConfig config;

    public IngestSaga(FetchResourceStep fetchResource, DownloadStep download, AnalyzeStep analyze, LoadStep load,
                      UpdateMetadataStep updateMetadata, IngestJobService jobs, IngestConfig config) {
        this.fetchResource = fetchResource;
        this.download = download;
        this.analyze = analyze;
        this.load = load;
        this.updateMetadata = updateMetadata;
        this.jobs = jobs;
        this.config = config;
    }

    public Uni<SagaResult> run(IngestContext start) {
        AtomicReference<StepId> current = new AtomicReference<>();
        return Uni.createFrom().item(start)
                .chain(ctx -> runStep(fetchResource, ctx, current))
                .chain(ctx -> runStep(download, ctx, current))
                .chain(ctx -> runStep(analyze, ctx, current))
                .chain(ctx -> runStep(load, ctx, current))
                .chain(ctx -> runStep(updateMetadata, ctx, current))
                .chain(ctx -> end(ctx, current.get()))
                .ifNoItem().after(config.jobTimeout()).failWith(() -> StepFailure.failed(
                        "the job ran longer than INGEST_JOB_TIMEOUT (" + config.jobTimeout() + ")"))
                .onFailure(StepFailure.class).recoverWithUni(f -> fail(start, current.get(), (StepFailure) f))
                .eventually(() -> TempFiles.deleteWithPrefix(start.tempFilePrefix(), config.tempDir()));
    }

    private Uni<IngestContext> runStep(IngestStep step, IngestContext context, AtomicReference<StepId> current) {
        if (context.ended()) {
            return Uni.createFrom().item(context);
        }
        current.set(step.id());
        LOG.infof("Job %s (resource %s): %s", context.jobId(), context.resourceId(), step.id());
        return jobs.stepStarted(context.jobId(), step.id())
                .chain(() -> step.execute(context)
                        .onFailure(e -> !(e instanceof StepFailure)).transform(e -> StepFailure.failed(
                                step.id() + " failed unexpectedly: " + e.getMessage(), e)))
                .call(next -> next.ended()
                        ? Uni.createFrom().voidItem()
                        : jobs.stepSucceeded(context.jobId(), step.id(), next.detail()));
    }

    private Uni<SagaResult> end(IngestContext context, StepId lastStep) {
        JobStatus status = context.ended() ? context.endedWith() : JobStatus.COMPLETE;
        String detail = context.ended() ? context.detail() : null;
        LOG.infof("Job %s (resource %s) ended %s", context.jobId(), context.resourceId(), status.id());
        Uni<Void> facts = context.file() == null ? Uni.createFrom().voidItem()
                : jobs.recordDownload(context.jobId(), context.file().md5());
        if (context.loadResult() != null) {
            facts = facts.chain(() -> jobs.recordRows(context.jobId(), context.loadResult().rows()));
        }
        return facts.chain(() -> jobs.finish(context.jobId(), lastStep, status, detail))
                .replaceWith(new SagaResult(status, false));
    }

    private Uni<SagaResult> fail(IngestContext start, StepId step, StepFailure failure) {
        if (failure.outcome() == JobStatus.QUEUED) {
            LOG.warnf("Job %s (resource %s) will be retried: %s", start.jobId(), start.resourceId(), failure.getMessage());
            return jobs.requeue(start.jobId(), step, failure.getMessage()).replaceWith(new SagaResult(JobStatus.QUEUED, true));
        }
        Logger.Level level = failure.outcome() == JobStatus.FAILED ? Logger.Level.ERROR : Logger.Level.WARN;
        LOG.logf(level, "Job %s (resource %s) ended %s at %s: %s", start.jobId(), start.resourceId(),
                failure.outcome().id(), step, failure.getMessage());
        return jobs.finish(start.jobId(), step, failure.outcome(), failure.getMessage())
                .replaceWith(new SagaResult(failure.outcome(), false));
    }
}
