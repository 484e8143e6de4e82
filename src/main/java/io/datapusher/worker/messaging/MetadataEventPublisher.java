package io.datapusher.worker.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datapusher.worker.followup.FollowUpScheduler;
import io.datapusher.worker.followup.MetadataPendingEvent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Publishes metadata-pending events with publisher confirms: into the delay queue for the next
 * attempt, straight into the retry queue (a retry by hand), or into the parking queue once the
 * attempts are used up. Each returned Uni completes only once the broker has the event.
 */
@ApplicationScoped
public class MetadataEventPublisher implements FollowUpScheduler {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MutinyEmitter<byte[]> emitter;
    private final MetadataRetrySchedule schedule;

    public MetadataEventPublisher(@Channel(Channels.METADATA_EVENTS) MutinyEmitter<byte[]> emitter,
                                  MetadataRetrySchedule schedule) {
        this.emitter = emitter;
        this.schedule = schedule;
    }

    @Override
    public Uni<Void> scheduleRetry(MetadataPendingEvent event) {
        return publish(event, MetadataRetrySchedule.delayRoutingKey(schedule.delayAfter(event.attempt())));
    }

    @Override
    public Uni<Void> retryNow(MetadataPendingEvent event) {
        return publish(event, Topology.METADATA_PENDING_ROUTING_KEY);
    }

    @Override
    public Uni<Void> park(MetadataPendingEvent event) {
        return publish(event, Topology.METADATA_PARKED_ROUTING_KEY);
    }

    @Override
    public boolean exhausted(int failedAttempts) {
        return schedule.exhausted(failedAttempts);
    }

    @Override
    public Duration delayAfter(int failedAttempts) {
        return schedule.delayAfter(failedAttempts);
    }

    @Override
    public String parkingQueue() {
        return Topology.METADATA_PARKED_QUEUE;
    }

    private Uni<Void> publish(MetadataPendingEvent event, String routingKey) {
        OutgoingRabbitMQMetadata metadata = new OutgoingRabbitMQMetadata.Builder()
                .withRoutingKey(routingKey)
                .withContentType("application/json")
                .withDeliveryMode(2)
                .build();
        return Uni.createFrom().item(() -> serialize(event))
                .chain(body -> emitter.sendMessage(Message.of(body, Metadata.of(metadata))));
    }

    static byte[] serialize(MetadataPendingEvent event) {
        try {
            return JSON.writeValueAsString(event).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a metadata-pending event", e);
        }
    }

    static MetadataPendingEvent deserialize(byte[] body) throws java.io.IOException {
        return JSON.readValue(body, MetadataPendingEvent.class);
    }
}
