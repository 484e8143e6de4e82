package io.datapusher.worker.datastore;

/**
 * The resource was deleted in CKAN, or its live table dropped, while the load ran: the swap would
 * bring back a table CKAN no longer wants, so nothing was loaded.
 */
public class ResourceGoneException extends LoadException {

    public ResourceGoneException(String message) {
        super(message);
    }
}
