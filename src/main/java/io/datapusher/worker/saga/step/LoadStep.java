package io.datapusher.worker.saga.step;

import io.datapusher.worker.StepId;
import io.datapusher.worker.datastore.DatastoreLoader;
import io.datapusher.worker.datastore.LiveButUnfinishedException;
import io.datapusher.worker.datastore.LoadException;
import io.datapusher.worker.datastore.LoadRequest;
import io.datapusher.worker.datastore.LoadResult;
import io.datapusher.worker.datastore.SupersededException;
import io.datapusher.worker.saga.IngestContext;
import io.datapusher.worker.saga.IngestStep;
import io.datapusher.worker.service.Offload;
import io.datapusher.worker.saga.StepFailure;
import io.datapusher.worker.saga.StepOutcome;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code load}: the pivot. One DataStore transaction builds the new table and swaps it in; until it
 * commits the live table is untouched, after it the new data is live. The job's deadline is the
 * loader's to keep: it cancels a load that has not swapped by then, and lets one that has finish.
 */
@ApplicationScoped
public class LoadStep implements IngestStep {

    private final DatastoreLoader loader;

    public LoadStep(DatastoreLoader loader) {
        this.loader = loader;
    }

    @Override
    public StepId id() {
        return StepId.LOAD;
    }

    @Override
    public Uni<StepOutcome> execute(IngestContext context) {
        LoadRequest request = new LoadRequest(context.resourceId(), context.jobId().toString(),
                context.file().md5(), context.analysis(), context.ckanVersion(), context.jobCreatedAt(), context.deadline());
        return Offload.blocking(() -> {
            try {
                LoadResult result = loader.load(request);
                context.loaded(result);
                return StepOutcome.done(describe(result), result.warnings());
            } catch (SupersededException e) {
                throw StepFailure.superseded(e.getMessage(), e);
            } catch (LiveButUnfinishedException e) {
                // The message comes back and the job resumes past the pivot, finishing what is left.
                throw StepFailure.outage(e.getMessage() + "; the job will finish it", e);
            } catch (LoadException e) {
                if (e.isTransient()) {
                    throw StepFailure.outage("the DataStore database is unavailable, the job will be retried: "
                            + e.getMessage(), e);
                }
                throw StepFailure.failed(e.getMessage(), e);
            }
        }).onCancellation().invoke(() -> loader.cancel(request.jobId()));
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
