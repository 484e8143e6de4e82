package io.datapusher.worker.saga.step;

import io.datapusher.worker.StepId;
import io.datapusher.worker.client.CkanClient;
import io.datapusher.worker.client.CkanRejectedException;
import io.datapusher.worker.client.CkanResource;
import io.datapusher.worker.config.IngestConfig;
import io.datapusher.worker.datastore.DatastoreLoader;
import io.datapusher.worker.datastore.DriftPolicy;
import io.datapusher.worker.datastore.DriftRefusedException;
import io.datapusher.worker.datastore.SchemaDrift;
import io.datapusher.worker.datastore.IncrementalLoad;
import io.datapusher.worker.datastore.LoadException;
import io.datapusher.worker.datastore.LoadPath;
import io.datapusher.worker.datastore.LoadRequest;
import io.datapusher.worker.datastore.LoadResult;
import io.datapusher.worker.progress.Phase;
import io.datapusher.worker.service.IngestJobService;
import io.datapusher.worker.service.JobMetrics;
import io.datapusher.worker.service.Offload;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code load}: the pivot. One DataStore transaction builds the new table and swaps it in; until it
 * commits the live table is untouched, after it the new data is live. The job's deadline is the
 * loader's to keep: it cancels a load that has not swapped by then, and lets one that has finish.
 */
@ApplicationScoped
public class LoadStep implements IngestStep {

    private static final Logger LOG = Logger.getLogger(LoadStep.class);
    /** Longer than resource_show's own timeout and retries: the swap waits for CKAN's answer, never for ever. */
    private static final Duration RESOURCE_CHECK_WAIT = Duration.ofMinutes(3);

    private final DatastoreLoader loader;
    private final IncrementalLoad incremental;
    private final CkanClient ckan;
    private final IngestJobService jobs;
    private final JobMetrics metrics;
    private final IngestConfig config;

    public LoadStep(DatastoreLoader loader, IncrementalLoad incremental, CkanClient ckan, IngestJobService jobs,
                    JobMetrics metrics, IngestConfig config) {
        this.loader = loader;
        this.incremental = incremental;
        this.ckan = ckan;
        this.jobs = jobs;
        this.metrics = metrics;
        this.config = config;
    }

    /**
     * How the load put the file in, for the job: rows inserted, updated and deleted by an
     * incremental load; for a full one, its rows as inserted and why it was full.
     */
    public record Path(LoadPath load, String reason, Long inserted, Long updated, Long deleted) {
    }

    @Override
    public StepId id() {
        return StepId.LOAD;
    }

    @Override
    public Uni<StepOutcome> execute(IngestContext context) {
        LoadRequest request = new LoadRequest(context.resourceId(), context.jobId().toString(),
                context.file().md5(), context.analysis(), context.ckanVersion(), context.jobCreatedAt(),
                () -> stillInCkan(context.resourceId()), context.deadline(),
                context.acceptDrift() ? DriftPolicy.REPORT : config.driftPolicy());
        AtomicReference<SchemaDrift> drift = new AtomicReference<>();
        return Offload.blocking(() -> {
            // an incremental load reads the whole file in its fill, checking the loaded rows and sending the rest
            context.progress().enter(Phase.FILL);
            try {
                IncrementalLoad.Outcome tried = incremental.tryLoad(request, context.fullReload(), context.progress());
                if (tried.path() != LoadPath.FULL) {
                    context.loaded(tried.result());
                    drift.set(tried.result().drift());
                    context.loadPath(new Path(tried.path(), null, tried.inserted(), tried.updated(), tried.deleted()));
                    return StepOutcome.done(describeIncremental(tried), withDrift(tried.result().warnings(), tried.result().drift()));
                }
                LoadResult result = loader.load(request, context.progress());
                context.loaded(result);
                drift.set(result.drift());
                context.loadPath(new Path(LoadPath.FULL, tried.reason(), result.rows(), null, null));
                return StepOutcome.done(describe(result) + "; full reload: " + tried.reason(),
                        withDrift(result.warnings(), result.drift()));
            } catch (DriftRefusedException e) {
                drift.set(e.drift());
                throw StepFailure.failed(e.getMessage(), e);
            } catch (LoadException e) {
                throw StepFailure.ofLoad(e);
            }
        }).onCancellation().invoke(() -> {
                    incremental.cancel(request.jobId());
                    loader.cancel(request.jobId());
                })
                .call(() -> recordDrift(context, drift.get(), false))
                .onFailure().call(() -> recordDrift(context, drift.get(), true));
    }

    /**
     * The drift goes on the job (its {@code drift}), counts in a metric when columns changed, and its
     * summary is a warning of the step, which CKAN's DataStore tab shows in the upload log.
     */
    private Uni<Void> recordDrift(IngestContext context, SchemaDrift drift, boolean refused) {
        if (drift == null) {
            return Uni.createFrom().voidItem();
        }
        if (drift.hasColumnChanges()) {
            metrics.drift(refused);
        }
        return jobs.recordDrift(context.jobId(), drift.toJson());
    }

    private static List<String> withDrift(List<String> warnings, SchemaDrift drift) {
        String summary = drift == null ? null : drift.summary();
        if (summary == null) {
            return warnings;
        }
        List<String> all = new ArrayList<>(warnings);
        all.add(summary);
        return all;
    }

    /**
     * Whether CKAN still has the resource, asked on the load's own (blocking) thread just before the
     * swap. CKAN answers 404 for a deleted resource; when it cannot answer, the load goes on, as a
     * resource is rarely deleted during an outage and the swap still refuses to bring back a live
     * table that was dropped.
     */
    private boolean stillInCkan(String resourceId) {
        try {
            CkanResource resource = ckan.resourceShow(resourceId).await().atMost(RESOURCE_CHECK_WAIT);
            return resource.extras() == null || !"deleted".equals(resource.extras().path("state").asText());
        } catch (CkanRejectedException e) {
            return e.status() != 404;
        } catch (RuntimeException e) {
            LOG.warnf("Resource %s: could not ask CKAN whether it still exists before the swap, loading anyway: %s",
                    resourceId, e.getMessage());
            return true;
        }
    }

    private static String describeIncremental(IncrementalLoad.Outcome outcome) {
        String what = outcome.path() == LoadPath.APPEND
                ? "append: " + outcome.inserted() + " new rows added after the rows loaded last"
                : "keyed: " + outcome.inserted() + " rows inserted, " + outcome.updated() + " updated, " + outcome.deleted()
                        + " deleted by the primary_key; unchanged rows kept their _id";
        return what + "; the table holds " + outcome.result().rows() + " rows, live at once (" + outcome.result().copyMillis()
                + " ms, in one transaction)";
    }

    private static String describe(LoadResult result) {
        return result.rows() + " rows loaded" + (result.replaced() ? ", previous table replaced" : ", new table")
                + " over " + result.connections() + " connection" + (result.connections() == 1 ? "" : "s")
                + "; copy " + result.copyMillis() + " ms, indexes " + result.indexMillis() + " ms, swap "
                + result.swapMillis() + " ms" + (result.swapAttempts() > 1 ? " in " + result.swapAttempts()
                + " tries, waiting for readers of the live table" : "") + " (live from then on)"
                + (result.laterIndexMillis() > 0 ? ", full-text indexes of text columns " + result.laterIndexMillis() + " ms" : "");
    }
}
