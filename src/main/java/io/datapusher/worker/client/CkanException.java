package io.datapusher.worker.client;

/**
 * CKAN answered with an error envelope, or could not be reached. The message is CKAN's own
 * ({@code error.message}, or the validation errors), prefixed with the action; it never carries the
 * API token.
 */
public abstract class CkanException extends RuntimeException {

    private final int status;

    protected CkanException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The HTTP status, or 0 when no answer came. */
    public int status() {
        return status;
    }
}
