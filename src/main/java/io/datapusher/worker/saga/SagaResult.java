package io.datapusher.worker.saga;

import io.datapusher.worker.JobStatus;

/**
 * How a run of the saga ended. {@code redeliver} asks the listener to hand the message back to the
 * broker (after a backoff) instead of acking it.
 */
public record SagaResult(JobStatus status, boolean redeliver) {
}
