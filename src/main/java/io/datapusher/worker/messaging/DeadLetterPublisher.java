package io.datapusher.worker.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/** Parks a body that can never be processed in datapusher.dead-letter, with the reason. */
@ApplicationScoped
public class DeadLetterPublisher {

    private final MutinyEmitter<byte[]> emitter;

    public DeadLetterPublisher(@Channel(Channels.DEAD_LETTER) MutinyEmitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    /** Completes once the broker has confirmed the message. */
    public Uni<Void> publish(byte[] body, String reason) {
        OutgoingRabbitMQMetadata metadata = new OutgoingRabbitMQMetadata.Builder()
                .withRoutingKey(Topology.DEAD_LETTER_ROUTING_KEY)
                .withHeader(Topology.ERROR_HEADER, reason)
                .withDeliveryMode(2)
                .build();
        return emitter.sendMessage(Message.of(body, Metadata.of(metadata)));
    }
}
