package io.datapusher.worker.datastore;

/** A newer job has already committed a load for the resource; this one must not overwrite it. */
public class SupersededException extends LoadException {

    public SupersededException(String message) {
        super(message);
    }
}
