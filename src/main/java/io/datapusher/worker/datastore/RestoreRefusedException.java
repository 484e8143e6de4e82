package io.datapusher.worker.datastore;

/**
 * A restore that cannot be done, for a reason that will not go away by trying again; nothing was
 * changed. The REST API answers it before a job is created, and the swap checks it again.
 */
public class RestoreRefusedException extends LoadException {

    /** Why: the version is unknown (404), or it cannot be brought back now (409). */
    public enum Reason {
        UNKNOWN_VERSION,
        CONFLICT
    }

    private final Reason reason;

    public RestoreRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
