package io.datapusher.worker.saga.step;

import io.datapusher.worker.StepId;
import io.datapusher.worker.datastore.DatastoreConnections;
import io.datapusher.worker.datastore.DryRun;
import io.datapusher.worker.service.IngestJobService;
import io.datapusher.worker.service.Offload;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code preview}: a preview's last step, where a load would run. It tells what the load would make
 * of the analysed file ({@link DryRun}) and records it as the job's {@code preview}; it writes
 * nothing to the DataStore and calls nothing in CKAN. A file the load would refuse ends the job
 * failed with the same error, and the preview still shows what was analysed.
 */
@ApplicationScoped
public class PreviewStep implements IngestStep {

    private final DryRun dryRun;
    private final IngestJobService jobs;

    public PreviewStep(DatastoreConnections connections, IngestJobService jobs) {
        this.dryRun = new DryRun(connections);
        this.jobs = jobs;
    }

    @Override
    public StepId id() {
        return StepId.PREVIEW;
    }

    @Override
    public Uni<StepOutcome> execute(IngestContext context) {
        return Offload.blocking(() -> dryRun.of(context.resourceId(), context.analysis()))
                .call(result -> jobs.recordPreview(context.jobId(), document(context, result)))
                .map(result -> {
                    if (result.error() != null) {
                        throw StepFailure.failed(result.error());
                    }
                    return StepOutcome.done(result.rows() + " rows, " + result.columns().size()
                            + " columns; nothing was written (a preview)", result.warnings());
                });
    }

    /** The job's {@code preview} (docs/api.md). */
    static Map<String, Object> document(IngestContext context, DryRun.Result result) {
        Map<String, Object> preview = new LinkedHashMap<>();
        preview.put("format", context.analysis().format());
        preview.put("encoding", context.analysis().encoding());
        preview.put("rows", result.rows());
        preview.put("columns", result.columns());
        preview.put("warnings", result.warnings());
        preview.put("first_rows", result.firstRows());
        preview.put("drift", result.drift() == null ? null : result.drift().toJson());
        preview.put("error", result.error());
        return preview;
    }

    /** What a preview that failed before the analysis ended can still show: the error, and what was known. */
    public static Map<String, Object> failure(IngestContext context, String error) {
        Map<String, Object> preview = new LinkedHashMap<>();
        if (context.resource() != null) {
            preview.put("resource_format", context.resource().format());
        }
        if (context.file() != null) {
            preview.put("bytes", context.file().size());
            preview.put("md5", context.file().md5());
        }
        preview.put("columns", List.of());
        preview.put("error", error);
        return preview;
    }
}
