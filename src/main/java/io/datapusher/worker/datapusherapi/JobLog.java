package io.datapusher.worker.datapusherapi;

import io.datapusher.worker.IngestJob;
import io.datapusher.worker.JobKind;
import io.datapusher.worker.JobStatus;
import io.datapusher.worker.StepId;
import io.datapusher.worker.StepRecord;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The "Upload Log" of CKAN's DataStore tab, made from the job row: one line per step and per
 * warning, a long load's "Loaded N of M rows" lines (its {@code progress_log}) within its load
 * step, then a line that says how the job stands. CKAN's template marks {@code INFO} lines with
 * a check and every other level with an exclamation mark, and parses each timestamp with
 * {@code %Y-%m-%dT%H:%M:%S.%f}, so timestamps are UTC with exactly six fraction digits.
 */
public final class JobLog {

    /** The format CKAN's datapusher_status parses; a timestamp without microseconds makes its page fail. */
    public static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");

    public enum Level { INFO, WARNING, ERROR }

    /** @param step the saga step the line is about, or null for the job as a whole */
    public record Line(OffsetDateTime at, Level level, StepId step, String message) {
    }

    private JobLog() {
    }

    public static String timestamp(OffsetDateTime at) {
        return at.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime().format(TIMESTAMP);
    }

    public static List<Line> of(IngestJob job) {
        List<Line> lines = new ArrayList<>();
        lines.add(new Line(job.createdAt, Level.INFO, null, "Job " + job.jobId + " received for resource " + job.resourceId));
        boolean failureShown = false;
        boolean settingsShown = false;
        StepRecord lastLoad = lastOf(job, StepId.LOAD);
        for (StepRecord record : job.steps.items) {
            OffsetDateTime at = record.finishedAt != null ? record.finishedAt : record.startedAt;
            if (record == lastLoad && record.status != StepRecord.Outcome.RUNNING) {
                milestones(job, record.step).forEach(lines::add);
            }
            if (record.status == StepRecord.Outcome.RUNNING) {
                lines.add(new Line(at, Level.INFO, record.step, record.step + ": running"));
                if (record == lastLoad) {
                    milestones(job, record.step).forEach(lines::add);
                }
            } else if (record.status == StepRecord.Outcome.FAILED) {
                lines.add(new Line(at, Level.ERROR, record.step, record.step + ": " + orElse(record.detail, "failed")));
                failureShown = failureShown || record.detail != null && record.detail.equals(job.error);
            } else {
                lines.add(new Line(at, Level.INFO, record.step, record.step + ": " + orElse(record.detail, "done")));
            }
            for (String warning : record.warnings == null ? List.<String>of() : record.warnings) {
                lines.add(new Line(at, Level.WARNING, record.step, record.step + ": " + warning));
            }
            if (record.step == StepId.FETCH_RESOURCE && !settingsShown) {
                settingsLine(job, at).ifPresent(lines::add);
                settingsShown = true;
            }
        }
        ending(job, failureShown).ifPresent(lines::add);
        return lines;
    }

    /**
     * The settings the job used, right after fetch-resource read them, e.g. {@code Settings:
     * datapusher_sheet=2 (resource), datapusher_date_order=mdy (environment)}. The log is made from
     * the job row each time CKAN asks, so values the analysis detected appear once it has run.
     */
    private static java.util.Optional<Line> settingsLine(IngestJob job, OffsetDateTime at) {
        if (job.settings == null || job.settings.isEmpty()) {
            return java.util.Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        job.settings.forEach((field, entry) -> {
            if (entry instanceof java.util.Map<?, ?> setting) {
                Object value = setting.get("value");
                String shown = value == null || value.toString().isEmpty() ? "(none)" : "\"" + value + "\"";
                parts.add(field + "=" + shown + " (" + setting.get("source") + ")");
            }
        });
        return java.util.Optional.of(new Line(at, Level.INFO, StepId.FETCH_RESOURCE, "Settings: " + String.join(", ", parts)));
    }

    /** The last run of a step: a load retried after an outage shows the milestones of its last run only. */
    private static StepRecord lastOf(IngestJob job, StepId step) {
        StepRecord last = null;
        for (StepRecord record : job.steps.items) {
            if (record.step == step) {
                last = record;
            }
        }
        return last;
    }

    /** "Loaded 400,000 of 1,000,000 rows", at about every tenth of a long load. */
    private static List<Line> milestones(IngestJob job, StepId step) {
        List<Line> lines = new ArrayList<>();
        Object all = job.progressLog == null ? null : job.progressLog.get("milestones");
        for (Object each : all instanceof List<?> list ? list : List.of()) {
            if (!(each instanceof Map<?, ?> milestone)) {
                continue;
            }
            Object at = milestone.get("at");
            Object done = milestone.get("rows_done");
            Object total = milestone.get("rows_total");
            if (at == null || !(done instanceof Number rows) || !(total instanceof Number of)) {
                continue;
            }
            lines.add(new Line(Instant.parse(at.toString()).atOffset(ZoneOffset.UTC), Level.INFO, step,
                    String.format(Locale.ROOT, "Loaded %,d of %,d rows", rows.longValue(), of.longValue())));
        }
        return lines;
    }

    private static java.util.Optional<Line> ending(IngestJob job, boolean failureShown) {
        OffsetDateTime at = job.finishedAt != null ? job.finishedAt : job.updatedAt;
        JobStatus status = job.status;
        Line line = switch (status) {
            case COMPLETE -> job.kind == JobKind.PREVIEW
                    ? new Line(at, Level.INFO, null, "Complete: a preview only, nothing was written to the DataStore")
                    : new Line(at, Level.INFO, null, "Complete: the DataStore table holds "
                    + (job.rows == null ? "the file's" : job.rows) + " rows");
            case SKIPPED -> new Line(at, Level.INFO, null, "Complete: nothing to load (" + orElse(job.error, "skipped") + ")");
            case SUPERSEDED -> new Line(at, Level.INFO, null, "Complete: superseded (" + orElse(job.error, "a newer load won") + ")");
            case FAILED -> new Line(at, Level.ERROR, null, failureShown || job.error == null
                    ? "The job failed" : "The job failed: " + job.error);
            case METADATA_PENDING -> new Line(at, Level.WARNING, null, "The data is live in the DataStore, but CKAN's "
                    + "metadata is not updated yet (" + job.attempts + " attempt" + (job.attempts == 1 ? "" : "s")
                    + "): " + orElse(job.error, "CKAN is unavailable") + ". The worker keeps retrying.");
            case QUEUED -> job.error == null ? null
                    : new Line(at, Level.WARNING, null, "Waiting for a retry: " + job.error);
            case RUNNING -> null;
        };
        return java.util.Optional.ofNullable(line);
    }

    private static String orElse(String text, String fallback) {
        return text == null || text.isBlank() ? fallback : text;
    }
}
