package io.datapusher.worker.messaging;

import io.datapusher.worker.IngestJob;
import io.datapusher.worker.config.IngestConfig;
import io.datapusher.worker.followup.FollowUp;
import io.datapusher.worker.saga.IngestSaga;
import io.datapusher.worker.service.Claim;
import io.datapusher.worker.service.IngestJobService;
import io.datapusher.worker.service.JobMetrics;
import io.datapusher.worker.service.LogContext;
import io.datapusher.worker.service.ResubmitRequest;
import io.datapusher.worker.service.RunningJobs;
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
 * durable: the final status written, or the metadata-pending event confirmed by the broker.
 *
 * <p>An outage (CKAN, the jobs database or the DataStore unreachable) hands the job back for later
 * with a backoff that doubles on every round, never in a tight loop. It does so by publishing a
 * copy that names the job and then acking the original, so that outage rounds do not count against
 * the queue's delivery limit: that limit counts only deliveries that never came back, i.e.
 * messages that crash the worker, which the broker dead-letters. A body that can never be
 * processed is parked in {@code datapusher.dead-letter} with the reason.
 */
@ApplicationScoped
public class ResubmitListener {

    private static final Logger LOG = Logger.getLogger(ResubmitListener.class);

    private final IngestSaga saga;
    private final IngestJobService jobs;
    private final RunningJobs running;
    private final DeadLetterPublisher deadLetters;
    private final ResubmitPublisher resubmits;
    private final FollowUp followUp;
    private final JobMetrics metrics;
    private final IngestConfig config;

    public ResubmitListener(IngestSaga saga, IngestJobService jobs, RunningJobs running, DeadLetterPublisher deadLetters,
                            ResubmitPublisher resubmits, FollowUp followUp, JobMetrics metrics, IngestConfig config) {
        this.saga = saga;
        this.jobs = jobs;
        this.running = running;
        this.deadLetters = deadLetters;
        this.resubmits = resubmits;
        this.followUp = followUp;
        this.metrics = metrics;
        this.config = config;
    }

    @Incoming(Channels.RESUBMIT)
    public Uni<Void> onResubmit(Message<?> message) {
        if (running.shuttingDown()) {
            return returnToBroker(message, new RunningJobs.StoppedByShutdown());
        }
        byte[] body = bodyOf(message.getPayload());
        ResubmitRequest request;
        try {
            request = ResubmitParser.parse(body);
        } catch (ResubmitParser.InvalidMessageException e) {
            LOG.warnf("Dead-lettering a resubmit message: %s", e.getMessage());
            return deadLetters.publish(body, e.getMessage())
                    .chain(() -> ack(message))
                    .onFailure().recoverWithUni(t -> returnToBroker(message, t));
        }
        boolean redelivered = metadata(message).map(IncomingRabbitMQMetadata::isRedeliver).orElse(false);
        LogContext.of(request.jobId() == null ? null : request.jobId().toString(), request.resourceId());
        return jobs.claim(request, redelivered, running::runsHere)
                .invoke(claim -> LogContext.of(claim.job().jobId.toString(), claim.job().resourceId))
                // once a job exists, the copy handed back names it, so that the next round resumes
                // that job instead of starting a second one beside it
                .chain(claim -> act(claim, request, message)
                        .onFailure(t -> !(t instanceof RunningJobs.StoppedByShutdown))
                        .recoverWithUni(t -> handBackAfterBackoff(message, request, claim.job(), t, true)))
                .onFailure(RunningJobs.StoppedByShutdown.class).recoverWithUni(t -> returnToBroker(message, t))
                .onFailure().recoverWithUni(t -> handBackAfterBackoff(message, request, null, t, true))
                .eventually(LogContext::clear);
    }

    private Uni<Void> act(Claim claim, ResubmitRequest request, Message<?> message) {
        IngestJob job = claim.job();
        return switch (claim.kind()) {
            case NOTHING_TO_DO -> {
                LOG.infof("Job %s of resource %s is %s; acking the duplicate message", job.jobId, job.resourceId, job.status);
                yield ack(message);
            }
            case WAIT_FOR_OWNER -> {
                LOG.infof("Job %s of resource %s is running on %s, whose heartbeat is fresh; the message comes back "
                        + "later, until the job ends or that replica is found dead", job.jobId, job.resourceId, job.workerId);
                yield handBackAfterBackoff(message, request, job, null, false);
            }
            case FOLLOW_UP -> {
                LOG.infof("Job %s of resource %s is %s and still owes CKAN something; following it up again", job.jobId,
                        job.resourceId, job.status);
                yield followUp.afterSaga(job.jobId).chain(() -> ack(message));
            }
            // The message is acked only once the follow-up has been done or durably scheduled.
            case RUN -> running.track(job.jobId, saga.run(job).call(result -> result.redeliver()
                            ? Uni.createFrom().voidItem() : followUp.afterSaga(job.jobId)))
                    .chain(result -> result.redeliver() ? handBackAfterBackoff(message, request, job, null, true) : ack(message))
                    // If the row cannot be written the reaper will do it; the message still goes back
                    // to the broker (never through handBackAfterBackoff's publish-and-ack while shutting down).
                    .onFailure(RunningJobs.StoppedByShutdown.class).call(() -> jobs.release(job.jobId,
                                    "the worker shut down before the job ended; it will run again")
                            .onFailure().invoke(e -> LOG.warnf("Could not put job %s back to queued: %s", job.jobId,
                                    e.getMessage()))
                            .onFailure().recoverWithNull()
                            .eventually(() -> running.handedBack(job.jobId)));
        };
    }

    /**
     * After a backoff, publishes a copy of the request that names its job and acks the original. If
     * the copy cannot be published the original goes back to the broker instead.
     */
    private Uni<Void> handBackAfterBackoff(Message<?> message, ResubmitRequest request, IngestJob job, Throwable cause,
                                 boolean outage) {
        if (outage) {
            metrics.outageRound();
        }
        long round = retries(message);
        // the rounds so far are the failures before this one
        Duration delay = config.redelivery().backoff().after(round + 1);
        if (cause != null) {
            LOG.warnf("Resubmit of resource %s handed back for a retry in %s: %s", request.resourceId(), delay,
                    cause.getMessage());
        }
        ResubmitRequest copy = job == null ? request : new ResubmitRequest(request.resourceId(), request.ignoreHash(), job.jobId);
        return Uni.createFrom().voidItem()
                .onItem().delayIt().by(delay)
                .chain(() -> resubmits.publish(copy, round + 1))
                .chain(() -> ack(message))
                .onFailure().recoverWithUni(t -> returnToBroker(message, t));
    }

    private static Uni<Void> ack(Message<?> message) {
        return Uni.createFrom().completionStage(message.ack());
    }

    private static Uni<Void> returnToBroker(Message<?> message, Throwable cause) {
        return Uni.createFrom().completionStage(message.nack(cause, Metadata.of(new RabbitMQRejectMetadata(true))));
    }

    private static long retries(Message<?> message) {
        return metadata(message)
                .flatMap(m -> Optional.ofNullable(m.getHeaders().get(Topology.RETRIES_HEADER)))
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
}
