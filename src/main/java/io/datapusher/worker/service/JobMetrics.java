package io.datapusher.worker.service;

import io.datapusher.worker.JobStatus;
import io.datapusher.worker.StepId;
import io.datapusher.worker.progress.Phase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an operator watches, in Prometheus' names:
 * <ul>
 *   <li>{@code datapusher_jobs_total{status}}: jobs that reached each status (a job that waits in
 *       {@code metadata_pending} and then completes counts in both);</li>
 *   <li>{@code datapusher_step_seconds{step}}: a histogram of each saga step's duration;</li>
 *   <li>{@code datapusher_rows_loaded_total}: rows put live;</li>
 *   <li>{@code datapusher_rows_total{phase}}: rows a running load's phase went through ({@code analysis}:
 *       read, {@code fill}: copied into the new table), counted as its progress is written, so that {@code rate()} is its
 *       rows per second;</li>
 *   <li>{@code datapusher_metadata_pending_jobs}: jobs whose data is live and whose CKAN metadata is
 *       still being retried, now;</li>
 *   <li>{@code datapusher_followups_parked_total}: follow-ups given up and parked in
 *       {@code datapusher.metadata-parked};</li>
 *   <li>{@code datapusher_outage_rounds_total}: messages handed back because CKAN, the jobs
 *       database or the DataStore was unreachable;</li>
 *   <li>{@code datapusher_drift_loads_total{outcome}}: loads whose table differed from the live one
 *       in its columns, {@code reported} (loaded) or {@code refused} by INGEST_DRIFT_POLICY.</li>
 * </ul>
 */
@ApplicationScoped
public class JobMetrics {

    private final MeterRegistry registry;
    private final IngestJobService jobs;
    private final AtomicLong metadataPending = new AtomicLong();
    private final Counter rowsLoaded;
    private final Counter parked;
    private final Counter outageRounds;

    public JobMetrics(MeterRegistry registry, IngestJobService jobs) {
        this.registry = registry;
        this.jobs = jobs;
        this.rowsLoaded = Counter.builder("datapusher.rows.loaded").description("Rows put live in the DataStore")
                .register(registry);
        this.parked = Counter.builder("datapusher.followups.parked")
                .description("Follow-ups (metadata, default views, DataPusher callbacks) given up and parked").register(registry);
        this.outageRounds = Counter.builder("datapusher.outage.rounds")
                .description("Messages handed back for later because a dependency was unreachable").register(registry);
        Gauge.builder("datapusher.metadata.pending.jobs", metadataPending, AtomicLong::get)
                .description("Jobs whose data is live and whose CKAN metadata is still being retried").register(registry);
    }

    public void jobEnded(JobStatus status) {
        Counter.builder("datapusher.jobs").description("Jobs that reached each status").tag("status", status.id())
                .register(registry).increment();
    }

    public void stepTook(StepId step, long nanos) {
        Timer.builder("datapusher.step").description("How long each saga step took").tag("step", step.id())
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofHours(1)).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void rowsLoaded(long rows) {
        rowsLoaded.increment(rows);
    }

    /** Rows a phase of a running load went through since its progress was last written. */
    public void rowsThrough(Phase phase, long rows) {
        Counter.builder("datapusher.rows").description("Rows each phase of a running load went through")
                .tag("phase", phase.id()).register(registry).increment(rows);
    }

    /** A load whose columns differ from the live table's: {@code refused} by the drift policy, or {@code reported}. */
    public void drift(boolean refused) {
        Counter.builder("datapusher.drift.loads").description("Loads whose columns differ from the live table's")
                .tag("outcome", refused ? "refused" : "reported").register(registry).increment();
    }

    public void followUpParked() {
        parked.increment();
    }

    public void outageRound() {
        outageRounds.increment();
    }

    @Scheduled(every = "30s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> countMetadataPending() {
        return jobs.count(JobStatus.METADATA_PENDING)
                .invoke(metadataPending::set)
                .onFailure().recoverWithNull().replaceWithVoid();
    }
}
