package io.datapusher.worker.service;

import io.datapusher.worker.IngestJob;
import io.datapusher.worker.JobStatus;
import io.datapusher.worker.JobSteps;
import io.datapusher.worker.StepId;
import io.datapusher.worker.StepRecord;
import io.datapusher.worker.messaging.ResubmitRequest;
import io.datapusher.worker.repository.IngestJobRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Every change of a job's state, each in its own short transaction, so that the row always says
 * where the job is even if the process dies the next instant.
 */
@ApplicationScoped
public class IngestJobService {

    private final IngestJobRepository repository;

    public IngestJobService(IngestJobRepository repository) {
        this.repository = repository;
    }

    @WithTransaction
    public Uni<IngestJob> createQueued(String resourceId, boolean ignoreHash) {
        return repository.persist(IngestJob.queued(UUID.randomUUID(), resourceId, ignoreHash, now()));
    }

    /**
     * Finds or creates the job a resubmit message stands for, and marks it running. Returns null
     * when the message is a duplicate of a job that has already finished: it is acked without work.
     */
    @WithTransaction
    public Uni<IngestJob> claim(ResubmitRequest request, boolean redelivered) {
        Uni<IngestJob> existing;
        if (request.jobId() != null) {
            existing = repository.findById(request.jobId());
        } else if (redelivered) {
            existing = repository.findNewestUnfinished(request.resourceId());
        } else {
            existing = Uni.createFrom().nullItem();
        }
        return existing.chain(job -> {
            if (job != null && (job.jobStatus().isFinished() || job.jobStatus() == JobStatus.METADATA_PENDING)) {
                return Uni.createFrom().nullItem();
            }
            if (job == null) {
                UUID id = request.jobId() != null ? request.jobId() : UUID.randomUUID();
                return repository.persist(IngestJob.queued(id, request.resourceId(), request.ignoreHash(), now()))
                        .invoke(this::markRunning);
            }
            markRunning(job);
            return Uni.createFrom().item(job);
        });
    }

    public Uni<Void> stepStarted(UUID jobId, StepId step) {
        return update(jobId, job -> {
            job.status = JobStatus.RUNNING.id();
            job.step = step.id();
            job.steps.items.add(new StepRecord(step.id(), "running", now()));
        });
    }

    public Uni<Void> stepSucceeded(UUID jobId, StepId step, String detail) {
        return update(jobId, job -> endStep(job, step, "succeeded", detail));
    }

    /** Ends the job; {@code step} is the step that decided the outcome. */
    public Uni<Void> finish(UUID jobId, StepId step, JobStatus status, String error) {
        return update(jobId, job -> {
            endStep(job, step, status == JobStatus.FAILED ? "failed" : "succeeded", error);
            job.status = status.id();
            job.error = error;
            if (status != JobStatus.METADATA_PENDING) {
                job.finishedAt = now();
            }
        });
    }

    /** A transient outage before the pivot: the job waits for its message to come back. */
    public Uni<Void> requeue(UUID jobId, StepId step, String error) {
        return update(jobId, job -> {
            endStep(job, step, "failed", error);
            job.status = JobStatus.QUEUED.id();
            job.error = error;
        });
    }

    public Uni<Void> recordDownload(UUID jobId, String hash) {
        return update(jobId, job -> job.hash = hash);
    }

    public Uni<Void> recordRows(UUID jobId, long rows) {
        return update(jobId, job -> job.rows = rows);
    }

    public Uni<Void> countMetadataAttempt(UUID jobId) {
        return update(jobId, job -> job.attempts++);
    }

    @WithSession
    public Uni<IngestJob> find(UUID jobId) {
        return repository.findById(jobId);
    }

    @WithSession
    public Uni<List<IngestJob>> search(String resourceId, JobStatus status, int limit) {
        return repository.search(resourceId, status, limit);
    }

    @WithTransaction
    Uni<Void> update(UUID jobId, Consumer<IngestJob> change) {
        return repository.findById(jobId)
                .invoke(job -> {
                    if (job == null) {
                        throw new IllegalStateException("job " + jobId + " vanished from the jobs table");
                    }
                    change.accept(job);
                    // a fresh list makes the JSON column's change visible to dirty checking
                    job.steps = new JobSteps(job.steps.items);
                    job.updatedAt = now();
                })
                .replaceWithVoid();
    }

    private void markRunning(IngestJob job) {
        job.status = JobStatus.RUNNING.id();
        job.error = null;
        job.updatedAt = now();
    }

    private static void endStep(IngestJob job, StepId step, String status, String detail) {
        if (step == null) {
            return;
        }
        job.step = step.id();
        for (int i = job.steps.items.size() - 1; i >= 0; i--) {
            StepRecord record = job.steps.items.get(i);
            if (record.step.equals(step.id()) && record.finishedAt == null) {
                record.status = status;
                record.finishedAt = now();
                record.durationMs = Duration.between(record.startedAt, record.finishedAt).toMillis();
                record.detail = detail;
                return;
            }
        }
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
