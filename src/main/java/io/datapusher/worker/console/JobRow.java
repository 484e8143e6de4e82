package io.datapusher.worker.console;

import io.datapusher.worker.IngestJob;
import io.datapusher.worker.JobStatus;
import io.datapusher.worker.StepRecord;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * One job as the console lists it. Every text is shown escaped: errors and warnings quote cells
 * and headers of the file, and the resource id comes from whoever submitted it.
 *
 * @param progress the bar of a running job; null when it has none
 * @param duration how long it ran (or runs so far)
 */
public record JobRow(String id, String resourceId, String kind, String status, String step, ProgressBar progress,
                     String created, String duration, String error, List<String> warnings) {

    static JobRow of(IngestJob job) {
        OffsetDateTime end = job.finishedAt != null ? job.finishedAt
                : job.status == JobStatus.RUNNING || job.status == JobStatus.QUEUED ? OffsetDateTime.now(ZoneOffset.UTC)
                : job.updatedAt;
        ProgressBar bar = job.status == JobStatus.RUNNING ? ProgressBar.of(job.progress).orElse(null) : null;
        return new JobRow(job.jobId.toString(), job.resourceId, Shown.text(job.kind), Shown.text(job.status),
                Shown.text(job.step), bar, Shown.time(job.createdAt),
                job.createdAt == null ? "" : Shown.duration(Duration.between(job.createdAt, end)),
                Shown.text(job.error), warnings(job));
    }

    public boolean running() {
        return "running".equals(status);
    }

    private static List<String> warnings(IngestJob job) {
        List<String> warnings = new ArrayList<>();
        for (StepRecord record : job.steps.items) {
            if (record.warnings != null) {
                record.warnings.forEach(w -> warnings.add(record.step + ": " + w));
            }
        }
        return warnings;
    }
}
