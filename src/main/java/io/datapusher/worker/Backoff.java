package io.datapusher.worker;

import java.time.Duration;

/**
 * How long to wait before trying again: the first delay after the first failure, doubled after
 * every further failure, never more than the cap. The one backoff of the service: outage rounds
 * of a resubmit, the metadata retry's delay queues, the swap's wait for readers, and a download's
 * retries all use it.
 *
 * @param first the wait after the first failure
 * @param max   the longest wait
 */
public record Backoff(Duration first, Duration max) {

    public Backoff {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("a backoff needs 0 < first delay <= longest delay, not " + first + " and " + max);
        }
    }

    /** The wait after {@code failures} failed tries in a row; 1 or less gives the first delay. */
    public Duration after(long failures) {
        Duration delay = first;
        for (long i = 1; i < failures && delay.compareTo(max) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) > 0 ? max : delay;
    }
}
