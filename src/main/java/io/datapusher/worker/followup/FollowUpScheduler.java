package io.datapusher.worker.followup;

import io.smallrye.mutiny.Uni;

import java.time.Duration;

/**
 * Where follow-up work waits for its next attempt. The broker implements it with one delay queue
 * per delay; each returned Uni completes only once the event is safely stored, so that a message
 * can be acked after it.
 */
public interface FollowUpScheduler {

    /** After the delay that follows {@code event.attempt()} failed rounds. */
    Uni<Void> scheduleRetry(MetadataPendingEvent event);

    /** At once, e.g. a retry asked for by hand. */
    Uni<Void> retryNow(MetadataPendingEvent event);

    /** Out of the way for good, where an operator can find it. */
    Uni<Void> park(MetadataPendingEvent event);

    /** Whether that many failed rounds use up the attempts. */
    boolean exhausted(int failedAttempts);

    Duration delayAfter(int failedAttempts);

    /** Where parked events go, for messages that tell an operator. */
    String parkingQueue();
}
