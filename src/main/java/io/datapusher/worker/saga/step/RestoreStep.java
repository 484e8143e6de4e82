package io.datapusher.worker.saga.step;

import io.datapusher.worker.StepId;
import io.datapusher.worker.datastore.DatastoreLoader;
import io.datapusher.worker.datastore.LoadException;
import io.datapusher.worker.datastore.LoadResult;
import io.datapusher.worker.datastore.RestoreResult;
import io.datapusher.worker.service.Offload;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * {@code restore}: a restore job's pivot. The swap of a load, bringing a kept version back in place
 * of a new table; the table that was live goes into history, so another restore undoes this one.
 * A load of the same resource holding its lock sends the job back to run after it, as a load does.
 */
@ApplicationScoped
public class RestoreStep implements IngestStep {

    private final DatastoreLoader loader;

    public RestoreStep(DatastoreLoader loader) {
        this.loader = loader;
    }

    @Override
    public StepId id() {
        return StepId.RESTORE;
    }

    @Override
    public Uni<StepOutcome> execute(IngestContext context) {
        String jobId = context.jobId().toString();
        return Offload.blocking(() -> {
            try {
                RestoreResult result = loader.restore(context.resourceId(), jobId, context.restoreVersion(),
                        context.jobCreatedAt());
                context.restored(new LoadResult(result.rows(), List.of(), true, 0, 0, result.swapMillis(),
                        result.swapAttempts(), 1, result.liveAt(), 0, false, List.of(), null), result.hash());
                if (result.changesUndone() > 0) {
                    return StepOutcome.done("version " + result.version() + " restored by undoing in the live table the "
                            + result.changesUndone() + " incremental change(s) made since: " + result.rows() + " rows, "
                            + result.columns() + " columns; " + result.swapMillis() + " ms, in one transaction (live from"
                            + " then on); what the undo changed is kept in history");
                }
                return StepOutcome.done("version " + result.version() + " restored: " + result.rows() + " rows, "
                        + result.columns() + " columns; swap " + result.swapMillis() + " ms (live from then on); the table"
                        + " it replaced is kept in history");
            } catch (LoadException e) {
                throw StepFailure.ofLoad(e);
            }
        }).onCancellation().invoke(() -> loader.cancel(jobId));
    }
}
