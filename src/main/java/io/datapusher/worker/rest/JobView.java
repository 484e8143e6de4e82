package io.datapusher.worker.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.datapusher.worker.CallbackState;
import io.datapusher.worker.IngestJob;
import io.datapusher.worker.JobKind;
import io.datapusher.worker.JobStatus;
import io.datapusher.worker.StepId;
import io.datapusher.worker.StepRecord;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** A job as GET /api/jobs shows it, in snake_case. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record JobView(
        @JsonProperty("job_id") String jobId,
        @JsonProperty("resource_id") String resourceId,
        JobKind kind,
        JobStatus status,
        StepId step,
        String error,
        Long rows,
        int attempts,
        @JsonProperty("created_at") OffsetDateTime createdAt,
        @JsonProperty("updated_at") OffsetDateTime updatedAt,
        @JsonProperty("finished_at") OffsetDateTime finishedAt,
        @JsonProperty("live_at") OffsetDateTime liveAt,
        List<StepRecord> steps,
        CallbackState callback,
        Map<String, Object> settings,
        Map<String, Object> progress,
        Map<String, Object> drift,
        Map<String, Object> preview,
        String load,
        @JsonProperty("load_reason") String loadReason,
        @JsonProperty("rows_inserted") Long rowsInserted,
        @JsonProperty("rows_updated") Long rowsUpdated,
        @JsonProperty("rows_deleted") Long rowsDeleted) {

    /**
     * @param liveAt   when the job's data went live (its swap committed); with {@code finished_at},
     *                 both figures of a load: time to live and time to CKAN-complete
     * @param callback for jobs CKAN's datapusher plugin submitted: where their datapusher_hook callback
     *                 stands ({@code pending}, {@code sent}, {@code skipped}, {@code failed}); null otherwise
     * @param settings the per-resource settings the job used, by resource field, each
     *                 {@code {"value", "source"}} with source {@code resource}, {@code environment} or
     *                 {@code detected}; null before fetch-resource has read them
     * @param progress while the job runs: its phase, rows and bytes done and total, and an ETA; null before
     *                 the download starts
     * @param drift    how the job's table differs from the live one; null before the load compared them, or on a first load
     * @param preview  for a preview: what the dry run found; null otherwise
     * @param load     how the load put the file in: {@code full}, {@code append} or {@code keyed}; null before it committed
     * @param loadReason for a full reload, why no incremental load was possible
     */
    static JobView of(IngestJob job) {
        return new JobView(job.jobId.toString(), job.resourceId, job.kind, job.status, job.step, job.error, job.rows,
                job.attempts, job.createdAt, job.updatedAt, job.finishedAt, job.liveAt, List.copyOf(job.steps.items), job.callback,
                job.settings, job.progress, job.drift, job.preview, job.load, job.loadReason, job.rowsInserted, job.rowsUpdated,
                job.rowsDeleted);
    }
}
