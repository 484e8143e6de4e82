package io.datapusher.worker.service;

import io.datapusher.worker.progress.JobProgress;
import io.datapusher.worker.progress.ProgressReporter;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes the progress of the jobs this replica runs to their rows, from its own schedule: the load
 * only bumps counters ({@link JobProgress}) and never waits for the jobs database. Each tick asks
 * every job's {@link ProgressReporter} whether a write is due (at most every 2 s, and only on a
 * change); a job that ended gets its last write, and is forgotten. One tick at a time, so the
 * writes of a job land in the order they were made, the last one last.
 */
@ApplicationScoped
public class ProgressWriter {

    private static final Logger LOG = Logger.getLogger(ProgressWriter.class);

    private final Map<UUID, ProgressReporter> running = new ConcurrentHashMap<>();
    private final IngestJobService jobs;
    private final JobMetrics metrics;

    public ProgressWriter(IngestJobService jobs, JobMetrics metrics) {
        this.jobs = jobs;
        this.metrics = metrics;
    }

    /** Starts tracking a job (anew, if it runs again); the returned counters are the job's to bump. */
    public JobProgress track(UUID jobId) {
        ProgressReporter reporter = new ProgressReporter(new JobProgress(Clock.systemUTC()));
        running.put(jobId, reporter);
        return reporter.progress();
    }

    /**
     * The job ended: its progress gets one last write (phase {@code done} if it completed). Only the
     * first end of a run counts.
     */
    public void end(UUID jobId, JobProgress progress, boolean completed) {
        ProgressReporter reporter = running.get(jobId);
        if (reporter != null && reporter.progress() == progress && !reporter.ended()) {
            reporter.end(completed);
        }
    }

    @Scheduled(every = "1s", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> write() {
        if (running.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<Map.Entry<UUID, ProgressReporter>> jobsNow = List.copyOf(running.entrySet());
        return Multi.createFrom().iterable(jobsNow)
                .onItem().transformToUniAndConcatenate(entry -> write(entry.getKey(), entry.getValue()))
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> write(UUID jobId, ProgressReporter reporter) {
        Optional<ProgressReporter.Report> report;
        if (reporter.ended()) {
            running.remove(jobId, reporter);
            report = reporter.last();
        } else {
            report = reporter.due();
        }
        if (report.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        ProgressReporter.Report due = report.get();
        due.rowsThrough().forEach(metrics::rowsThrough);
        return jobs.recordProgress(jobId, due.progress(),
                        due.milestones().stream().map(ProgressReporter.Milestone::toJson).toList())
                .onFailure().recoverWithItem(e -> {
                    // Progress is for people watching; the job goes on, and the next write catches up.
                    LOG.debugf("Could not write the progress of job %s: %s", jobId, e.getMessage());
                    return null;
                });
    }
}
