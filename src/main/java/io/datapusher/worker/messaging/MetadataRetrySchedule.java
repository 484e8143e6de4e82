package io.datapusher.worker.messaging;

import io.datapusher.worker.Backoff;
import io.datapusher.worker.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The backoff of the metadata retry, as delay queues. Each distinct delay has its own queue, named
 * by its length in milliseconds, because RabbitMQ only expires messages at the head of a queue: a
 * short delay must never wait behind a long one. Other settings give other queue names, so changing
 * them never meets an existing queue with other arguments.
 */
@ApplicationScoped
public class MetadataRetrySchedule {

    private final Backoff backoff;
    private final int maxAttempts;

    @Inject
    public MetadataRetrySchedule(IngestConfig config) {
        this(config.metadataRetry().backoff(), config.metadataRetry().maxAttempts());
    }

    MetadataRetrySchedule(Backoff backoff, int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("the metadata retry needs at least one attempt");
        }
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
    }

    /** The wait after the given number of failed attempts. */
    public Duration delayAfter(int failedAttempts) {
        return backoff.after(failedAttempts);
    }

    /** Every distinct delay, shortest first. */
    public List<Duration> delays() {
        List<Duration> delays = new ArrayList<>();
        for (int attempt = 1; ; attempt++) {
            Duration delay = delayAfter(attempt);
            if (!delays.contains(delay)) {
                delays.add(delay);
            }
            if (delay.equals(backoff.max())) {
                return delays;
            }
        }
    }

    public boolean exhausted(int failedAttempts) {
        return failedAttempts >= maxAttempts;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public static String delayQueue(Duration delay) {
        return Topology.METADATA_PENDING_QUEUE + ".delay-" + delay.toMillis();
    }

    public static String delayRoutingKey(Duration delay) {
        return Topology.METADATA_PENDING_ROUTING_KEY + ".delay-" + delay.toMillis();
    }
}
