package io.datapusher.worker.messaging;

import io.datapusher.worker.service.JobQueue;
import io.datapusher.worker.service.ResubmitRequest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.rabbitmq.OutgoingRabbitMQMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/** Publishes a resubmit to the datapusher exchange, the same route CKAN-side producers use. */
@ApplicationScoped
public class ResubmitPublisher implements JobQueue {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MutinyEmitter<byte[]> emitter;

    public ResubmitPublisher(@Channel(Channels.RESUBMIT_REQUESTS) MutinyEmitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    /** Completes once the broker has confirmed the message. */
    @Override
    public Uni<Void> submit(ResubmitRequest request) {
        return publish(request, 0);
    }

    /** A request handed back after an outage, counting its rounds in {@code x-datapusher-retries}. */
    public Uni<Void> publish(ResubmitRequest request, long retries) {
        ObjectNode body = JSON.createObjectNode()
                .put("resource_id", request.resourceId())
                .put("ignore_hash", request.ignoreHash());
        if (request.jobId() != null) {
            body.put("job_id", request.jobId().toString());
        }
        OutgoingRabbitMQMetadata metadata = new OutgoingRabbitMQMetadata.Builder()
                .withRoutingKey(Topology.RESUBMIT_ROUTING_KEY)
                .withContentType("application/json")
                .withDeliveryMode(2)
                .withHeader(Topology.RETRIES_HEADER, retries)
                .build();
        return Uni.createFrom().item(() -> body.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .chain(bytes -> emitter.sendMessage(Message.of(bytes, Metadata.of(metadata))));
    }
}
