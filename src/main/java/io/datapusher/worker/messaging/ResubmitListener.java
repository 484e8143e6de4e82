package io.datapusher.worker.messaging;

import io.datapusher.worker.IngestJob;
import io.datapusher.worker.config.IngestConfig;
import io.datapusher.worker.saga.IngestContext;
import io.datapusher.worker.saga.IngestSaga;
import io.datapusher.worker.service.IngestJobService;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.rabbitmq.IncomingRabbitMQMetadata;
import io.smallrye.reactive.messaging.rabbitmq.RabbitMQRejectMetadata;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Consumes {@code datapusher.resubmit}. The message is acked only once its job's outcome is
 * durable; a transient outage (CKAN or the jobs database down) hands it back to the broker after a
 * backoff that grows with each delivery, never in a tight loop. A body that can never be processed
 * is parked in {@code datapusher.dead-letter} with the reason.
 */
@ApplicationScoped
public class ResubmitListener {

    private static final Logger LOG = Logger.getLogger(ResubmitListener.class);

    private final IngestSaga saga;
    private final IngestJobService jobs;
    private final DeadLetterPublisher deadLetters;
    private final IngestConfig config;

    public ResubmitListener(IngestSaga saga, IngestJobService jobs, DeadLetterPublisher deadLetters, IngestConfig config) {
        this.saga = saga;
        this.jobs = jobs;
        this.deadLetters = deadLetters;
        this.config = config;
    }

    @Incoming(Channels.RESUBMIT)
    public Uni<Void> onResubmit(Message<?> message) {
        byte[] body = bodyOf(message.getPayload());
        ResubmitRequest request;
        try {
            request = ResubmitParser.parse(body);
        } catch (ResubmitParser.InvalidMessageException e) {
            LOG.warnf("Dead-lettering a resubmit message: %s", e.getMessage());
            return deadLetters.publish(body, e.getMessage())
                    .chain(() -> Uni.createFrom().completionStage(message.ack()))
                    .onFailure().recoverWithUni(t -> redeliverLater(message, t));
        }
        boolean redelivered = metadata(message).map(IncomingRabbitMQMetadata::isRedeliver).orElse(false);
        return jobs.claim(request, redelivered)
                .chain(job -> job == null ? alreadyDone(request) : run(job, message))
                .chain(() -> Uni.createFrom().completionStage(message.ack()))
                .onFailure().recoverWithUni(t -> redeliverLater(message, t instanceof RedeliverLater ? null : t));
    }

    private Uni<Void> run(IngestJob job, Message<?> message) {
        return saga.run(IngestContext.start(job.jobId, job.resourceId, job.ignoreHash))
                .invoke(result -> {
                    if (result.redeliver()) {
                        throw new RedeliverLater();
                    }
                })
                .replaceWithVoid();
    }

    private Uni<Void> alreadyDone(ResubmitRequest request) {
        LOG.infof("Job %s of resource %s has already ended; acking the duplicate message", request.jobId(),
                request.resourceId());
        return Uni.createFrom().voidItem();
    }

    private Uni<Void> redeliverLater(Message<?> message, Throwable cause) {
        Duration delay = backoff(deliveryCount(message));
        if (cause != null) {
            LOG.warnf("Handing the message back to the broker in %s: %s", delay, cause.getMessage());
        }
        return Uni.createFrom().voidItem()
                .onItem().delayIt().by(delay)
                .chain(() -> Uni.createFrom().completionStage(
                        message.nack(cause != null ? cause : new IllegalStateException("retry later"),
                                Metadata.of(new RabbitMQRejectMetadata(true)))));
    }

    /** Doubles from the initial delay with each delivery of the same message, up to the maximum. */
    Duration backoff(long deliveries) {
        Duration delay = config.redeliveryInitialDelay();
        for (long i = 0; i < deliveries && delay.compareTo(config.redeliveryMaxDelay()) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(config.redeliveryMaxDelay()) > 0 ? config.redeliveryMaxDelay() : delay;
    }

    private static long deliveryCount(Message<?> message) {
        return metadata(message)
                .flatMap(m -> Optional.ofNullable(m.getHeaders().get("x-delivery-count")))
                .map(value -> value instanceof Number n ? n.longValue() : 0L)
                .orElse(0L);
    }

    private static Optional<IncomingRabbitMQMetadata> metadata(Message<?> message) {
        return message.getMetadata(IncomingRabbitMQMetadata.class);
    }

    private static byte[] bodyOf(Object payload) {
        if (payload instanceof byte[] bytes) {
            return bytes;
        }
        if (payload instanceof JsonObject json) {
            return json.encode().getBytes(StandardCharsets.UTF_8);
        }
        if (payload instanceof JsonArray json) {
            return json.encode().getBytes(StandardCharsets.UTF_8);
        }
        return payload == null ? new byte[0] : payload.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The job went back to queued: hand the message back instead of acking it. */
    private static final class RedeliverLater extends RuntimeException {
        RedeliverLater() {
            super(null, null, false, false);
        }
    }
}
