package io.datapusher.worker.messaging;

import io.datapusher.worker.IngestJob;
import io.datapusher.worker.JobStatus;
import io.datapusher.worker.datastore.DatastoreLoader;
import io.datapusher.worker.datastore.LiveTable;
import io.datapusher.worker.saga.Offload;
import io.datapusher.worker.saga.StepFailure;
import io.datapusher.worker.saga.step.UpdateMetadataStep;
import io.datapusher.worker.service.IngestJobService;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.rabbitmq.RabbitMQRejectMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

import java.util.Optional;

/**
 * Consumes {@code datapusher.metadata-pending}: re-runs only update-metadata for a job whose data
 * is already live. It never downloads, analyses or touches the datastore; it only reads the live
 * table's marker to see whether a newer load has overtaken the job (then the job is
 * {@code superseded}, and an old file's hash never overwrites a newer one in CKAN).
 */
@ApplicationScoped
public class MetadataRetryListener {

    private static final Logger LOG = Logger.getLogger(MetadataRetryListener.class);

    private final IngestJobService jobs;
    private final UpdateMetadataStep updateMetadata;
    private final DatastoreLoader datastore;
    private final MetadataEventPublisher events;
    private final MetadataRetrySchedule schedule;

    public MetadataRetryListener(IngestJobService jobs, UpdateMetadataStep updateMetadata, DatastoreLoader datastore,
                                 MetadataEventPublisher events, MetadataRetrySchedule schedule) {
        this.jobs = jobs;
        this.updateMetadata = updateMetadata;
        this.datastore = datastore;
        this.events = events;
        this.schedule = schedule;
    }

    @Incoming(Channels.METADATA_RETRY)
    public Uni<Void> onMetadataPending(Message<byte[]> message) {
        MetadataPendingEvent event;
        try {
            event = MetadataEventPublisher.deserialize(message.getPayload());
        } catch (Exception e) {
            LOG.warnf("Parking an unreadable metadata-pending event: %s", e.getMessage());
            return Uni.createFrom().completionStage(message.ack());
        }
        return jobs.find(event.jobId())
                .chain(job -> retry(job, event))
                .chain(() -> Uni.createFrom().completionStage(message.ack()))
                .onFailure().recoverWithUni(t -> {
                    LOG.warnf("Metadata retry of job %s handed back to the broker: %s", event.jobId(), t.getMessage());
                    return Uni.createFrom().voidItem().onItem().delayIt().by(java.time.Duration.ofSeconds(5))
                            .chain(() -> Uni.createFrom().completionStage(
                                    message.nack(t, Metadata.of(new RabbitMQRejectMetadata(true)))));
                });
    }

    private Uni<Void> retry(IngestJob job, MetadataPendingEvent event) {
        if (job == null || job.jobStatus() != JobStatus.METADATA_PENDING) {
            LOG.infof("Metadata retry of job %s: the job is %s, nothing to do", event.jobId(),
                    job == null ? "unknown" : job.status);
            return Uni.createFrom().voidItem();
        }
        return overtakenBy(event).chain(newer -> {
            if (newer.isPresent()) {
                String why = "a newer load (job " + newer.get() + ") replaced this job's data before CKAN's metadata "
                        + "was updated; that job updates CKAN itself";
                LOG.infof("Metadata retry of job %s: superseded: %s", event.jobId(), why);
                return jobs.metadataEnded(event.jobId(), JobStatus.SUPERSEDED, why);
            }
            return jobs.countMetadataAttempt(event.jobId())
                    .chain(() -> updateMetadata.patch(event.resourceId(), event.hash()))
                    .chain(() -> {
                        LOG.infof("Metadata retry of job %s succeeded after %d attempt(s)", event.jobId(), event.attempt() + 1);
                        return jobs.metadataEnded(event.jobId(), JobStatus.COMPLETE, null);
                    })
                    .onFailure(StepFailure.class).recoverWithUni(f -> failed(event, (StepFailure) f));
        });
    }

    private Uni<Void> failed(MetadataPendingEvent event, StepFailure failure) {
        if (failure.outcome() == JobStatus.FAILED) {
            return jobs.metadataEnded(event.jobId(), JobStatus.FAILED, failure.getMessage());
        }
        MetadataPendingEvent next = event.nextAttempt(failure.getMessage());
        if (schedule.exhausted(next.attempt())) {
            String why = "the data is loaded, but CKAN's metadata is still not updated after " + next.attempt()
                    + " attempts; the event is parked in " + Topology.METADATA_PARKED_QUEUE
                    + " (POST /api/jobs/" + event.jobId() + "/retry-metadata to try again): " + failure.getMessage();
            LOG.errorf("Metadata retry of job %s: %s", event.jobId(), why);
            return events.park(next).chain(() -> jobs.metadataEnded(event.jobId(), JobStatus.FAILED, why));
        }
        LOG.infof("Metadata retry of job %s failed (attempt %d), next in %s: %s", event.jobId(), next.attempt(),
                schedule.delayAfter(next.attempt()), failure.getMessage());
        return jobs.metadataStillPending(event.jobId(), failure.getMessage()).chain(() -> events.retryLater(next));
    }

    /** The id of the job whose load replaced this one's, if any. */
    private Uni<Optional<String>> overtakenBy(MetadataPendingEvent event) {
        return Offload.blocking(() -> datastore.describe(event.resourceId()))
                .map(live -> live.flatMap(LiveTable::marker)
                        .map(LiveTable.Marker::jobId)
                        .filter(loader -> loader != null && !loader.equals(event.jobId().toString())));
    }
}
