package io.datapusher.worker.download;

/**
 * The file could not be downloaded. {@code transientFailure} marks causes that may go away on
 * their own (a 5xx, a reset, a timeout); the rest (a 4xx, the guard, the size cap) will not.
 */
public class DownloadException extends Exception {

    private final boolean transientFailure;

    public DownloadException(String message, boolean transientFailure) {
        super(message);
        this.transientFailure = transientFailure;
    }

    public DownloadException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
