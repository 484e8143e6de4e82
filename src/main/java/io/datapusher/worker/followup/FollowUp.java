package io.datapusher.worker.followup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datapusher.worker.CallbackState;
import io.datapusher.worker.IngestJob;
import io.datapusher.worker.JobStatus;
import io.datapusher.worker.client.CkanClient;
import io.datapusher.worker.client.CkanRejectedException;
import io.datapusher.worker.datapusherapi.CkanTaskState;
import io.datapusher.worker.datapusherapi.JobDocument;
import io.datapusher.worker.datastore.DatastoreLoader;
import io.datapusher.worker.datastore.LiveTable;
import io.datapusher.worker.datastore.LoadException;
import io.datapusher.worker.service.IngestJobService;
import io.datapusher.worker.service.JobMetrics;
import io.datapusher.worker.service.Offload;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;

/**
 * Everything a job owes CKAN once its outcome is known, and the one place that retries it:
 * <ul>
 *   <li>its metadata ({@code resource_patch}), when the data went live but CKAN could not be
 *       updated (the job is {@code metadata_pending});</li>
 *   <li>the default views of a first load (the "Table" preview), for jobs that did not come from
 *       CKAN's datapusher plugin, whose own hook creates them;</li>
 *   <li>the DataPusher callback ({@code datapusher_hook}) of a job submitted through POST /job,
 *       once its outcome is final.</li>
 * </ul>
 * What fails for a transient reason waits in a delay queue ({@link FollowUpScheduler}) for the next
 * round, with a backoff, until the attempts are used up and the event is parked. None of it ever
 * touches the DataStore: a newer load that overtook the job only makes it {@code superseded}.
 */
@ApplicationScoped
public class FollowUp {

    private static final Logger LOG = Logger.getLogger(FollowUp.class);

    /**
     * CKAN records its task as pending only after POST /job has answered; a callback that arrived
     * first would be overwritten and leave the task pending for good.
     */
    static final Duration CALLBACK_NOT_BEFORE = Duration.ofSeconds(1);

    private final IngestJobService jobs;
    private final CkanClient ckan;
    private final DatastoreLoader datastore;
    private final FollowUpScheduler scheduler;
    private final JobMetrics metrics;

    public FollowUp(IngestJobService jobs, CkanClient ckan, DatastoreLoader datastore, FollowUpScheduler scheduler,
                    JobMetrics metrics) {
        this.jobs = jobs;
        this.ckan = ckan;
        this.datastore = datastore;
        this.scheduler = scheduler;
        this.metrics = metrics;
    }

    /**
     * {@code resource_patch} saying the data is in the DataStore. Its Solr-down failure commits
     * nothing. Fails with CKAN's own {@link CkanRejectedException} when CKAN refuses (4xx), which
     * no retry will change; any other failure is transient. {@link #refused} and {@link #notYet}
     * word each for the job.
     */
    public Uni<Void> patchMetadata(String resourceId, String hash) {
        ObjectNode patch = JsonNodeFactory.instance.objectNode()
                .put("id", resourceId)
                .put("datastore_active", true)
                .put("datastore_contains_all_records_of_source_file", true)
                .put("hash", hash);
        return ckan.resourcePatch(patch).replaceWithVoid();
    }

    /** What a job says when CKAN refused its {@code resource_patch}. */
    public static String refused(Throwable e) {
        return "the data is loaded, but CKAN refused resource_patch: " + e.getMessage();
    }

    /** What a job says while CKAN's metadata cannot be updated yet. */
    public static String notYet(Throwable e) {
        return "the data is loaded, but CKAN's metadata could not be updated yet: " + e.getMessage();
    }

    /**
     * Right after the saga has written the job's outcome, before its message is acked: a job whose
     * metadata is pending gets its first retry scheduled; otherwise what is due is done now, and
     * what fails transiently is scheduled.
     */
    public Uni<Void> afterSaga(UUID jobId) {
        return jobs.find(jobId).chain(job -> {
            if (job == null) {
                return Uni.createFrom().voidItem();
            }
            if (job.status == JobStatus.METADATA_PENDING) {
                return scheduler.scheduleRetry(new MetadataPendingEvent(job.jobId, job.resourceId,
                        Math.max(job.attempts, 1), job.error, job.hash));
            }
            return settleDue(job.jobId, new MetadataPendingEvent(job.jobId, job.resourceId, 0, null, job.hash));
        });
    }

    /** One round of a metadata-pending event. */
    public Uni<Void> retry(MetadataPendingEvent event) {
        return jobs.find(event.jobId()).chain(job -> {
            if (job == null) {
                LOG.infof("Follow-up of job %s: the job is unknown, nothing to do", event.jobId());
                return Uni.createFrom().voidItem();
            }
            if (job.status == JobStatus.METADATA_PENDING) {
                return retryMetadata(job, event);
            }
            if (!owesCkan(job)) {
                LOG.infof("Follow-up of job %s: the job is %s and owes CKAN nothing", job.jobId, job.status);
                return Uni.createFrom().voidItem();
            }
            return settleDue(job.jobId, event);
        });
    }

    /**
     * What a retry by hand started.
     *
     * @param status the job's status now, when {@code started}
     * @param why    why nothing was started, when the job owes CKAN nothing
     */
    public record ByHand(boolean known, boolean started, JobStatus status, String why) {
        static ByHand unknown() {
            return new ByHand(false, false, null, null);
        }

        static ByHand nothingOwed(String why) {
            return new ByHand(true, false, null, why);
        }

        static ByHand started(JobStatus status) {
            return new ByHand(true, true, status, null);
        }
    }

    /**
     * Starts a new round of attempts for what a job still owes CKAN, typically after its event was
     * parked: the metadata of a loaded job that failed or is pending, a callback that was given up,
     * default views still due.
     */
    public Uni<ByHand> retryByHand(UUID jobId) {
        return jobs.find(jobId).chain(job -> {
            if (job == null) {
                return Uni.createFrom().item(ByHand.unknown());
            }
            if (job.loadedAt == null && job.status == JobStatus.FAILED) {
                return loadedAfterAll(job).chain(loaded -> loaded ? retryByHand(jobId) : retryByHand(job));
            }
            return retryByHand(job);
        });
    }

    /**
     * A job that ended failed without its load written down, although the live table's marker names
     * it: its swap committed and then the job was cut short (as INGEST_JOB_TIMEOUT once did). Its
     * load is written down now, so that a retry by hand finishes it like any loaded job.
     */
    private Uni<Boolean> loadedAfterAll(IngestJob job) {
        return Offload.blocking(() -> datastore.describe(job.resourceId))
                .map(live -> live.flatMap(LiveTable::marker)
                        .filter(m -> job.jobId.toString().equals(m.jobId()) && m.hash() != null))
                .chain(marker -> marker.isEmpty() ? Uni.createFrom().item(false)
                        : jobs.recordLoaded(job.jobId, marker.get().hash(), job.rows == null ? 0 : job.rows, true,
                                marker.get().loadedAt()).replaceWith(true));
    }

    private Uni<ByHand> retryByHand(IngestJob job) {
        UUID jobId = job.jobId;
        boolean metadata = metadataOwed(job);
        boolean callbackOwed = callbackOwed(job);
        if (!retriableByHand(job)) {
            String why = job.loadedAt == null
                    ? "job " + jobId + " never loaded its data; submit the resource again instead"
                    : "job " + jobId + " is " + job.status + "; there is nothing left to tell CKAN";
            return Uni.createFrom().item(ByHand.nothingOwed(why));
        }
        MetadataPendingEvent event = new MetadataPendingEvent(job.jobId, job.resourceId, 0, job.error, job.hash);
        return jobs.reopenFollowUp(jobId, metadata, callbackOwed)
                .chain(() -> scheduler.retryNow(event))
                .chain(() -> jobs.find(jobId))
                .map(reopened -> ByHand.started(reopened.status));
    }

    /** Whether a retry by hand ({@link #retryByHand}) would start anything for this job. */
    public static boolean retriableByHand(IngestJob job) {
        return metadataOwed(job) || callbackOwed(job) || job.viewsDue;
    }

    /** A loaded job whose metadata update failed or still waits for its next round. */
    public static boolean metadataOwed(IngestJob job) {
        return job.loadedAt != null && job.hash != null
                && (job.status == JobStatus.FAILED || job.status == JobStatus.METADATA_PENDING);
    }

    /** A POST /job job whose callback was given up, or is still to be sent. */
    public static boolean callbackOwed(IngestJob job) {
        return job.callback == CallbackState.FAILED || job.callback == CallbackState.PENDING;
    }

    /** Whether a job whose outcome is final still owes CKAN default views or its callback. */
    public static boolean owesCkan(IngestJob job) {
        return job.viewsDue || job.callback == CallbackState.PENDING;
    }

    private Uni<Void> retryMetadata(IngestJob job, MetadataPendingEvent event) {
        return overtakenBy(event).chain(newer -> {
            if (newer.isPresent()) {
                String why = "a newer load (job " + newer.get() + ") replaced this job's data before CKAN's metadata "
                        + "was updated; that job updates CKAN itself";
                LOG.infof("Follow-up of job %s: superseded: %s", job.jobId, why);
                metrics.jobEnded(JobStatus.SUPERSEDED);
                return jobs.metadataEnded(job.jobId, JobStatus.SUPERSEDED, why)
                        .chain(() -> settleDue(job.jobId, event));
            }
            return jobs.countMetadataAttempt(job.jobId)
                    .chain(() -> finishLiveTable(job))
                    .chain(() -> patchMetadata(job.resourceId, event.hash()))
                    .chain(() -> {
                        LOG.infof("Follow-up of job %s: CKAN's metadata updated after %d attempt(s)", job.jobId,
                                event.attempt() + 1);
                        metrics.jobEnded(JobStatus.COMPLETE);
                        return jobs.metadataEnded(job.jobId, JobStatus.COMPLETE, null);
                    })
                    .chain(() -> settleDue(job.jobId, event))
                    .onFailure().recoverWithUni(failure -> {
                        if (failure instanceof CkanRejectedException) {
                            metrics.jobEnded(JobStatus.FAILED);
                            return jobs.metadataEnded(job.jobId, JobStatus.FAILED, refused(failure))
                                    .chain(() -> settleDue(job.jobId, event));
                        }
                        return reschedule(job.jobId, event, notYet(failure));
                    });
        });
    }

    /** Default views, then the callback; a transient failure of either schedules the next round. */
    private Uni<Void> settleDue(UUID jobId, MetadataPendingEvent event) {
        return jobs.find(jobId).chain(job -> views(job)
                .chain(viewsError -> callback(job).map(callbackError -> viewsError.or(() -> callbackError)))
                .chain(error -> error.isEmpty() ? Uni.createFrom().voidItem() : reschedule(jobId, event, error.get())));
    }

    /** Creates the default views of a first load; an empty result when nothing is left to retry. */
    private Uni<Optional<String>> views(IngestJob job) {
        if (!job.viewsDue || job.status != JobStatus.COMPLETE) {
            return Uni.createFrom().item(Optional.empty());
        }
        return ckan.resourceShow(job.resourceId)
                .chain(resource -> ckan.createDefaultViews(resource.extras()))
                .chain(created -> jobs.viewsSettled(job.jobId, null))
                .map(ignored -> Optional.<String>empty())
                .onFailure(CkanRejectedException.class).recoverWithUni(e -> jobs.viewsSettled(job.jobId,
                                "CKAN refused to create the default views: " + e.getMessage())
                        .map(ignored -> Optional.<String>empty()))
                .onFailure(e -> !(e instanceof CkanRejectedException)).recoverWithItem(e -> Optional.of(
                        "the default views could not be created yet: " + e.getMessage()));
    }

    /** Posts the DataPusher callback of a finished POST /job job; an empty result when nothing is left to retry. */
    private Uni<Optional<String>> callback(IngestJob job) {
        if (job.callback != CallbackState.PENDING || !CkanTaskState.of(job.status).isFinal()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return jobs.hasNewerSubmission(job).chain(newer -> {
            if (newer) {
                return jobs.callbackSettled(job.jobId, CallbackState.SKIPPED, "no callback sent: CKAN submitted a newer "
                                + "job for this resource, and its task follows that job")
                        .map(ignored -> Optional.<String>empty());
            }
            JsonNode body = JobDocument.of(job);
            return notBefore(job.createdAt.plus(CALLBACK_NOT_BEFORE))
                    .chain(() -> jobs.countCallbackAttempt(job.jobId))
                    .chain(() -> ckan.datapusherHook(job.resultUrl, body))
                    .chain(answer -> {
                        LOG.infof("Job %s: told CKAN its task is %s", job.jobId, body.path("status").asText());
                        return jobs.callbackSettled(job.jobId, CallbackState.SENT, null);
                    })
                    .map(ignored -> Optional.<String>empty())
                    .onFailure(CallbackRefused::test).recoverWithUni(e -> jobs.callbackSettled(job.jobId,
                                    CallbackState.FAILED, "CKAN refused the datapusher_hook callback: " + e.getMessage())
                            .map(ignored -> Optional.<String>empty()))
                    .onFailure(e -> !CallbackRefused.test(e)).recoverWithItem(e -> Optional.of(
                            "the datapusher_hook callback could not be delivered yet: " + e.getMessage()));
        });
    }

    /**
     * Whether CKAN refused the callback for good. A 401 or 403 is a token an operator can still
     * fix, so it is retried like an outage; a 400, 404 (the task is gone) or 409 never changes.
     */
    private static final class CallbackRefused {
        static boolean test(Throwable e) {
            return e instanceof CkanRejectedException rejected && rejected.status() != 401 && rejected.status() != 403;
        }
    }

    private Uni<Void> reschedule(UUID jobId, MetadataPendingEvent event, String error) {
        MetadataPendingEvent next = event.nextAttempt(error);
        return jobs.find(jobId).chain(job -> {
            boolean metadata = job.status == JobStatus.METADATA_PENDING;
            if (!scheduler.exhausted(next.attempt())) {
                LOG.infof("Follow-up of job %s failed (round %d), next in %s: %s", jobId, next.attempt(),
                        scheduler.delayAfter(next.attempt()), error);
                Uni<Void> noted = metadata ? jobs.metadataStillPending(jobId, error) : Uni.createFrom().voidItem();
                return noted.chain(() -> scheduler.scheduleRetry(next));
            }
            String parked = " after " + next.attempt() + " attempts; the event is parked in " + scheduler.parkingQueue()
                    + " (POST /api/jobs/" + jobId + "/retry-metadata to try again): " + error;
            LOG.errorf("Follow-up of job %s given up%s", jobId, parked);
            metrics.followUpParked();
            Uni<Void> settled = scheduler.park(next);
            if (metadata) {
                metrics.jobEnded(JobStatus.FAILED);
                settled = settled.chain(() -> jobs.metadataEnded(jobId, JobStatus.FAILED,
                        "the data is loaded, but CKAN's metadata is still not updated" + parked));
            }
            if (job.viewsDue) {
                settled = settled.chain(() -> jobs.viewsSettled(jobId, "the default views were not created" + parked));
            }
            if (job.callback == CallbackState.PENDING) {
                settled = settled.chain(() -> jobs.callbackSettled(jobId, CallbackState.FAILED,
                        "CKAN's datapusher_hook was not reached" + parked));
            }
            return settled;
        });
    }

    private static Uni<Void> notBefore(OffsetDateTime moment) {
        Duration wait = Duration.between(OffsetDateTime.now(ZoneOffset.UTC), moment);
        if (wait.isNegative() || wait.isZero()) {
            return Uni.createFrom().voidItem();
        }
        return Offload.delay(wait);
    }

    /**
     * Builds what the job's load left to build on the live table (its marker lists it), so that a
     * job whose post-swap work was cut short ends with its table whole. A DataStore outage fails the
     * round like a CKAN outage, so the next round tries again; any other failure is only logged.
     */
    private Uni<Void> finishLiveTable(IngestJob job) {
        return Offload.blocking(() -> datastore.completePendingIndexes(job.resourceId, job.jobId.toString()))
                .invoke(built -> {
                    if (built > 0) {
                        LOG.infof("Follow-up of job %s: built %d full-text index(es) left after its swap", job.jobId, built);
                    }
                })
                .replaceWithVoid()
                .onFailure(e -> !isDatastoreOutage(e)).recoverWithUni(e -> {
                    LOG.warnf("Follow-up of job %s: the full-text indexes left after its swap could not be built: %s",
                            job.jobId, e.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    private static boolean isDatastoreOutage(Throwable e) {
        return e instanceof LoadException load && load.isTransient()
                || e instanceof SQLException sql && new LoadException("", sql).isTransient();
    }

    /** The id of the job whose load replaced this one's, if any. */
    private Uni<Optional<String>> overtakenBy(MetadataPendingEvent event) {
        return Offload.blocking(() -> datastore.describe(event.resourceId()))
                .map(live -> live.flatMap(LiveTable::marker)
                        .map(LiveTable.Marker::jobId)
                        .filter(loader -> loader != null && !loader.equals(event.jobId().toString())));
    }
}
