package io.datapusher.worker.datastore;

/**
 * The load did not happen and nothing in the DataStore changed; the message says why in terms a
 * curator understands.
 */
public class LoadException extends Exception {

    public LoadException(String message) {
        super(message);
    }

    public LoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
