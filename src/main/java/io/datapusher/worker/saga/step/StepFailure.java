package io.datapusher.worker.saga.step;

import io.datapusher.worker.JobStatus;
import io.datapusher.worker.datastore.LiveButUnfinishedException;
import io.datapusher.worker.datastore.LoadException;
import io.datapusher.worker.datastore.ResourceBusyException;
import io.datapusher.worker.datastore.SupersededException;

/**
 * A step could not complete, and this says how the job ends: {@code failed}, {@code metadata_pending},
 * or back to {@code queued} for a redelivery later ({@link #outage}). The message is what the
 * job record and the log show, so it is specific and never carries a secret.
 */
public class StepFailure extends RuntimeException {

    private final JobStatus outcome;

    private StepFailure(JobStatus outcome, String message, Throwable cause) {
        super(message, cause, false, false);
        this.outcome = outcome;
    }

    public static StepFailure failed(String message) {
        return new StepFailure(JobStatus.FAILED, message, null);
    }

    public static StepFailure failed(String message, Throwable cause) {
        return new StepFailure(JobStatus.FAILED, message, cause);
    }

    /** A transient outage before the pivot: nothing changed, the message comes back later. */
    public static StepFailure outage(String message, Throwable cause) {
        return new StepFailure(JobStatus.QUEUED, message, cause);
    }

    /** The data is live, only CKAN's metadata is missing. */
    public static StepFailure metadataPending(String message, Throwable cause) {
        return new StepFailure(JobStatus.METADATA_PENDING, message, cause);
    }

    /** A newer job already committed newer data: this one ends without touching anything. */
    public static StepFailure superseded(String message, Throwable cause) {
        return new StepFailure(JobStatus.SUPERSEDED, message, cause);
    }

    /** How a load's or a restore's failure ends the job: both change the live table, and end alike. */
    public static StepFailure ofLoad(LoadException e) {
        if (e instanceof SupersededException) {
            return superseded(e.getMessage(), e);
        }
        if (e instanceof ResourceBusyException) {
            // Handed back with the redelivery backoff, so that the consumer takes other jobs meanwhile.
            return outage(e.getMessage(), e);
        }
        if (e instanceof LiveButUnfinishedException) {
            // The message comes back and the job resumes past the pivot, finishing what is left.
            return outage(e.getMessage() + "; the job will finish it", e);
        }
        if (e.isTransient()) {
            return outage("the DataStore database is unavailable, the job will be retried: " + e.getMessage(), e);
        }
        return failed(e.getMessage(), e);
    }

    public JobStatus outcome() {
        return outcome;
    }
}
