package io.datapusher.worker.service;

import io.datapusher.worker.CallbackState;
import io.datapusher.worker.IngestJob;
import io.datapusher.worker.JobKind;
import io.datapusher.worker.JobStatus;
import io.datapusher.worker.JobSteps;
import io.datapusher.worker.StepId;
import io.datapusher.worker.StepRecord;
import io.datapusher.worker.config.IngestConfig;
import io.datapusher.worker.repository.IngestJobRepository;
import io.datapusher.worker.service.ResubmitRequest;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Every change of a job's state, each in its own short transaction, so that the row always says
 * where the job is even if the process dies the next instant.
 */
@ApplicationScoped
public class IngestJobService {

    private final IngestJobRepository repository;
    private final WorkerIdentity worker;
    private final Duration staleAfter;

    public IngestJobService(IngestJobRepository repository, WorkerIdentity worker, IngestConfig config) {
        this.repository = repository;
        this.worker = worker;
        this.staleAfter = config.heartbeatInterval().multipliedBy(4);
    }

    @WithTransaction
    public Uni<IngestJob> createQueued(String resourceId, boolean ignoreHash) {
        return createQueued(resourceId, ignoreHash, JobKind.LOAD, false);
    }

    @WithTransaction
    public Uni<IngestJob> createQueued(String resourceId, boolean ignoreHash, JobKind kind, boolean acceptDrift) {
        return createQueued(resourceId, ignoreHash, kind, acceptDrift, false);
    }

    /**
     * A job of any kind, with what it was asked to allow; the saga reads them from the row.
     *
     * @param fullReload {@code "full": true}: the file is loaded as a new table even if it could be loaded incrementally
     */
    @WithTransaction
    public Uni<IngestJob> createQueued(String resourceId, boolean ignoreHash, JobKind kind, boolean acceptDrift,
                                       boolean fullReload) {
        IngestJob job = IngestJob.queued(UUID.randomUUID(), resourceId, ignoreHash, now());
        job.kind = kind;
        job.acceptDrift = acceptDrift;
        job.fullReload = fullReload;
        return repository.persist(job);
    }

    /**
     * A restore job: queued like a load, its saga swaps a kept version back in.
     *
     * @param version the job id of the version to restore; null for the newest
     */
    @WithTransaction
    public Uni<IngestJob> createRestore(String resourceId, String version) {
        IngestJob job = IngestJob.queued(UUID.randomUUID(), resourceId, true, now());
        job.kind = JobKind.RESTORE;
        job.restoreVersion = version;
        return repository.persist(job);
    }

    /**
     * Finds or creates the job a resubmit message stands for, and says what to do with it. A job
     * whose owner's heartbeat is fresh is left to it, and the message comes back later; one whose
     * worker went silent is taken over, and so is one this very process owns but no longer runs
     * (its saga ended on a failure that could not be written).
     */
    @WithTransaction
    public Uni<Claim> claim(ResubmitRequest request, boolean redelivered, Predicate<UUID> runsHere) {
        Uni<IngestJob> existing;
        if (request.jobId() != null) {
            existing = repository.findById(request.jobId());
        } else if (redelivered) {
            existing = repository.findNewestUnfinished(request.resourceId());
        } else {
            existing = Uni.createFrom().nullItem();
        }
        return existing.chain(job -> {
            if (job == null) {
                UUID id = request.jobId() != null ? request.jobId() : UUID.randomUUID();
                return repository.persist(IngestJob.queued(id, request.resourceId(), request.ignoreHash(), now()))
                        .invoke(this::markRunning)
                        .map(Claim::run);
            }
            JobStatus status = job.status;
            if (status.isFinished()) {
                boolean owed = job.viewsDue || job.callback == CallbackState.PENDING;
                return Uni.createFrom().item(owed ? Claim.followUp(job) : Claim.nothingToDo(job));
            }
            if (status == JobStatus.METADATA_PENDING) {
                return Uni.createFrom().item(Claim.followUp(job));
            }
            boolean ownedButIdle = worker.id().equals(job.workerId) && !runsHere.test(job.jobId);
            if (status == JobStatus.RUNNING && isAlive(job) && !ownedButIdle) {
                // Not "nothing to do": a replica killed a second ago still looks alive, and acking
                // its redelivered message would leave the job queued forever once reaped.
                return Uni.createFrom().item(Claim.waitForOwner(job));
            }
            markRunning(job);
            return Uni.createFrom().item(Claim.run(job));
        });
    }

    public Uni<Void> stepStarted(UUID jobId, StepId step) {
        return update(jobId, job -> {
            job.status = JobStatus.RUNNING;
            job.step = step;
            job.steps.items.add(new StepRecord(step, StepRecord.Outcome.RUNNING, now()));
        });
    }

    public Uni<Void> stepSucceeded(UUID jobId, StepId step, String detail, List<String> warnings) {
        return update(jobId, job -> {
            StepRecord record = endStep(job, step, StepRecord.Outcome.SUCCEEDED, detail);
            if (record != null) {
                record.warnings = new ArrayList<>(warnings);
            }
        });
    }

    /** Ends the job; {@code step} is the step that decided the outcome. */
    public Uni<Void> finish(UUID jobId, StepId step, JobStatus status, String error) {
        return update(jobId, job -> {
            endStep(job, step, status == JobStatus.FAILED ? StepRecord.Outcome.FAILED : StepRecord.Outcome.SUCCEEDED, error);
            job.status = status;
            job.error = error;
            if (status != JobStatus.METADATA_PENDING) {
                job.finishedAt = now();
            }
        });
    }

    /** A transient outage before the pivot: the job waits for its message to come back. */
    public Uni<Void> backToQueued(UUID jobId, StepId step, String error) {
        return update(jobId, job -> {
            endStep(job, step, StepRecord.Outcome.FAILED, error);
            job.status = JobStatus.QUEUED;
            job.error = error;
        });
    }

    /**
     * Publishes a new job's resubmit. When the broker does not take it, the job ends failed (see
     * {@link #notQueued}) and the failure goes on to the caller, which tells the submitter.
     */
    public Uni<Void> enqueue(JobQueue queue, ResubmitRequest request) {
        return queue.submit(request)
                .onFailure().call(e -> notQueued(request.jobId(), e.getMessage()).onFailure().recoverWithNull());
    }

    /**
     * The broker never took the job's message, and whoever submitted it was told so: the job ends
     * failed rather than sitting queued with nothing to run it, and owes no callback (CKAN already
     * has the error answer of POST /job). Should the message reach the broker after all, it finds
     * a finished job and does nothing.
     */
    public Uni<Void> notQueued(UUID jobId, String reason) {
        return update(jobId, job -> {
            job.status = JobStatus.FAILED;
            job.error = "the job could not be queued: " + reason;
            job.finishedAt = now();
            if (job.callback == CallbackState.PENDING) {
                job.callback = null;
            }
        });
    }

    /** The settings the job runs with, and where each came from; written again once the analysis detected the rest. */
    public Uni<Void> recordSettings(UUID jobId, Map<String, Object> settings) {
        return update(jobId, job -> job.settings = settings);
    }

    public Uni<Void> recordDownload(UUID jobId, String hash) {
        return update(jobId, job -> job.hash = hash);
    }

    /**
     * The job's load committed: from now on only update-metadata may run for it. A first load owes
     * CKAN its default views, unless CKAN's own datapusher hook creates them (POST /job jobs).
     */
    public Uni<Void> recordLoaded(UUID jobId, String hash, long rows, boolean firstLoad, Instant liveAt) {
        return update(jobId, job -> {
            job.loadedAt = now();
            if (liveAt != null) {
                job.liveAt = liveAt.atOffset(ZoneOffset.UTC);
            }
            job.hash = hash;
            job.rows = rows;
            job.viewsDue = firstLoad && !job.submittedByDatapusherPlugin();
        });
    }

    /** How the committed load put the file in, and what it changed. */
    public Uni<Void> recordLoadPath(UUID jobId, String load, String reason, Long inserted, Long updated, Long deleted) {
        return update(jobId, job -> {
            job.load = load;
            job.loadReason = reason;
            job.rowsInserted = inserted;
            job.rowsUpdated = updated;
            job.rowsDeleted = deleted;
        });
    }

    /** The default views exist now, or CKAN refused them for good ({@code warning} says why). */
    public Uni<Void> viewsSettled(UUID jobId, String warning) {
        return update(jobId, job -> {
            job.viewsDue = false;
            if (warning != null) {
                lastRecordOf(job, StepId.UPDATE_METADATA).ifPresent(r -> r.warnings.add(warning));
            }
        });
    }

    public Uni<Void> countCallbackAttempt(UUID jobId) {
        return update(jobId, job -> job.callbackAttempts++);
    }

    /** The callback was delivered, skipped for a newer submission, or given up ({@code note} says why). */
    public Uni<Void> callbackSettled(UUID jobId, CallbackState state, String note) {
        return update(jobId, job -> {
            job.callback = state;
            if (note != null) {
                lastRecordOf(job, job.step).ifPresent(r -> r.warnings.add(note));
            }
        });
    }

    /**
     * A job submitted through POST /job: the same job row as any other, plus what the callback and
     * GET /job need. The callback is owed from the start and sent once the outcome is final.
     */
    @WithTransaction
    public Uni<IngestJob> createSubmitted(String resourceId, boolean ignoreHash, String jobKeyHash, String resultUrl,
                                          String metadataJson) {
        IngestJob job = IngestJob.queued(UUID.randomUUID(), resourceId, ignoreHash, now());
        job.jobKeyHash = jobKeyHash;
        job.resultUrl = resultUrl;
        job.callbackMetadata = metadataJson;
        job.callback = CallbackState.PENDING;
        return repository.persist(job);
    }

    /** Whether CKAN submitted a newer job for the same resource through POST /job: its task follows that one. */
    @WithSession
    public Uni<Boolean> hasNewerSubmission(IngestJob job) {
        return repository.count("resourceId = ?1 and resultUrl is not null and createdAt > ?2 and jobId <> ?3",
                job.resourceId, job.createdAt, job.jobId).map(n -> n > 0);
    }

    /** Metadata retry: the job waits for its next update-metadata attempt. */
    public Uni<Void> metadataStillPending(UUID jobId, String error) {
        return update(jobId, job -> {
            job.status = JobStatus.METADATA_PENDING;
            job.error = error;
            job.finishedAt = null;
        });
    }

    /** Metadata retry: an update-metadata attempt decided the job's end. */
    public Uni<Void> metadataEnded(UUID jobId, JobStatus status, String error) {
        return update(jobId, job -> {
            job.status = status;
            job.step = StepId.UPDATE_METADATA;
            job.error = error;
            job.finishedAt = now();
        });
    }

    /**
     * A retry by hand: a loaded job whose metadata failed waits for update-metadata again, and a
     * callback that was given up is owed again.
     */
    @WithTransaction
    public Uni<Void> reopenFollowUp(UUID jobId, boolean metadata, boolean callback) {
        return repository.findById(jobId).invoke(job -> {
            if (job == null) {
                return;
            }
            if (metadata) {
                job.status = JobStatus.METADATA_PENDING;
                job.finishedAt = null;
            }
            if (callback) {
                job.callback = CallbackState.PENDING;
            }
            job.updatedAt = now();
        }).replaceWithVoid();
    }

    /** Refreshes the heartbeat of the jobs this replica is running. */
    @WithTransaction
    public Uni<Integer> heartbeat(Collection<UUID> jobIds) {
        if (jobIds.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return repository.update("heartbeatAt = ?1 where jobId in ?2 and workerId = ?3", now(), List.copyOf(jobIds), worker.id());
    }

    /** Jobs whose worker stopped beating go back to queued until their message is redelivered. */
    @WithTransaction
    public Uni<Integer> orphansBackToQueued() {
        return repository.update("status = ?1, workerId = null, updatedAt = ?2 where status = ?3 and "
                        + "(heartbeatAt is null or heartbeatAt < ?4)",
                JobStatus.QUEUED, now(), JobStatus.RUNNING, now().minus(staleAfter));
    }

    /** Puts one job of this replica back to queued, e.g. when it is stopped by a shutdown. */
    public Uni<Void> release(UUID jobId, String reason) {
        return update(jobId, job -> {
            if (job.status == JobStatus.RUNNING) {
                job.status = JobStatus.QUEUED;
                job.workerId = null;
                job.error = reason;
            }
        });
    }

    /** How the job's table differs from the live one (null: there was no live table). */
    public Uni<Void> recordDrift(UUID jobId, Map<String, Object> drift) {
        return update(jobId, job -> job.drift = drift);
    }

    /** What a preview found, or how far it got before the error it records. */
    public Uni<Void> recordPreview(UUID jobId, Map<String, Object> preview) {
        return update(jobId, job -> job.preview = preview);
    }

    /**
     * Where a running job stands, and its upload log's milestones. One update of those two columns
     * alone: it neither waits for nor overwrites the step transitions written meanwhile.
     */
    @WithTransaction
    public Uni<Void> recordProgress(UUID jobId, Map<String, Object> progress, List<Map<String, Object>> milestones) {
        return repository.update("progress = ?1, progressLog = ?2 where jobId = ?3", progress,
                milestones.isEmpty() ? null : Map.of("milestones", milestones), jobId).replaceWithVoid();
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
    public Uni<Long> count(JobStatus status) {
        return repository.count("status", status);
    }

    @WithSession
    public Uni<List<IngestJob>> search(String resourceId, JobStatus status, int limit) {
        return repository.search(resourceId, status, limit);
    }

    /** Jobs that still owe CKAN their metadata, callback or default views; see {@link IngestJobRepository#owingCkan}. */
    @WithSession
    public Uni<List<IngestJob>> owingCkan(int limit) {
        return repository.owingCkan(limit);
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
        job.status = JobStatus.RUNNING;
        job.error = null;
        job.workerId = worker.id();
        job.heartbeatAt = now();
        job.updatedAt = now();
    }

    private boolean isAlive(IngestJob job) {
        return job.heartbeatAt != null && job.heartbeatAt.isAfter(now().minus(staleAfter));
    }

    private static StepRecord endStep(IngestJob job, StepId step, StepRecord.Outcome status, String detail) {
        if (step == null) {
            return null;
        }
        job.step = step;
        for (int i = job.steps.items.size() - 1; i >= 0; i--) {
            StepRecord record = job.steps.items.get(i);
            if (record.step == step && record.finishedAt == null) {
                record.status = status;
                record.finishedAt = now();
                record.durationMs = Duration.between(record.startedAt, record.finishedAt).toMillis();
                record.detail = detail;
                return record;
            }
        }
        return null;
    }

    /** The newest record of a step, or of any step when {@code step} is null. */
    private static Optional<StepRecord> lastRecordOf(IngestJob job, StepId step) {
        for (int i = job.steps.items.size() - 1; i >= 0; i--) {
            StepRecord record = job.steps.items.get(i);
            if (step == null || record.step == step) {
                return Optional.of(record);
            }
        }
        return Optional.empty();
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
