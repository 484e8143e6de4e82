package io.datapusher.worker.messaging;

import io.datapusher.worker.followup.FollowUp;
import io.datapusher.worker.followup.MetadataPendingEvent;
import io.datapusher.worker.service.LogContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.rabbitmq.RabbitMQRejectMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

import java.time.Duration;

/**
 * Consumes {@code datapusher.metadata-pending}: each event is one more round of what a job still
 * owes CKAN ({@link FollowUp}). The event is acked once that round's outcome is written or the next
 * round is scheduled; if the jobs database itself is away, it goes back to the broker after a pause.
 */
@ApplicationScoped
public class MetadataRetryListener {

    private static final Logger LOG = Logger.getLogger(MetadataRetryListener.class);
    private static final Duration HAND_BACK_AFTER = Duration.ofSeconds(5);

    private final FollowUp followUp;

    public MetadataRetryListener(FollowUp followUp) {
        this.followUp = followUp;
    }

    @Incoming(Channels.METADATA_RETRY)
    public Uni<Void> onMetadataPending(Message<byte[]> message) {
        MetadataPendingEvent event;
        try {
            event = MetadataEventPublisher.deserialize(message.getPayload());
        } catch (Exception e) {
            LOG.warnf("Dropping an unreadable metadata-pending event: %s", e.getMessage());
            return Uni.createFrom().completionStage(message.ack());
        }
        LogContext.of(String.valueOf(event.jobId()), event.resourceId());
        return followUp.retry(event)
                .chain(() -> Uni.createFrom().completionStage(message.ack()))
                .onFailure().recoverWithUni(t -> {
                    LOG.warnf("Follow-up of job %s handed back to the broker: %s", event.jobId(), t.getMessage());
                    return Uni.createFrom().voidItem().onItem().delayIt().by(HAND_BACK_AFTER)
                            .chain(() -> Uni.createFrom().completionStage(
                                    message.nack(t, Metadata.of(new RabbitMQRejectMetadata(true)))));
                })
                .eventually(LogContext::clear);
    }
}
