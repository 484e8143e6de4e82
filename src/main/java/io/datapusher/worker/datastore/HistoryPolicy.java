package io.datapusher.worker.datastore;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * How much of the replaced tables the worker keeps.
 *
 * @param versions per resource, newest first; 0 turns history off and the swap drops the old table
 * @param maxAge   a version replaced longer ago than this is dropped
 * @param maxBytes a cap over all versions of all resources, the oldest dropped first; empty: no cap
 */
public record HistoryPolicy(int versions, Duration maxAge, OptionalLong maxBytes) {

    public static final HistoryPolicy DEFAULT = new HistoryPolicy(1, Duration.ofDays(7), OptionalLong.empty());
    public static final HistoryPolicy OFF = new HistoryPolicy(0, Duration.ofDays(7), OptionalLong.empty());

    public HistoryPolicy {
        if (versions < 0) {
            throw new IllegalArgumentException("INGEST_HISTORY_VERSIONS must be 0 or more, not " + versions);
        }
        if (maxAge.isNegative()) {
            throw new IllegalArgumentException("INGEST_HISTORY_MAX_AGE must not be negative, not " + maxAge);
        }
        maxBytes.ifPresent(bytes -> {
            if (bytes < 0) {
                throw new IllegalArgumentException("INGEST_HISTORY_MAX_BYTES must not be negative, not " + bytes);
            }
        });
    }

    public boolean enabled() {
        return versions > 0;
    }
}
