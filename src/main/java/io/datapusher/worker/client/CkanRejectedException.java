package io.datapusher.worker.client;

/** CKAN refused the request (4xx): asking again gives the same answer. */
public class CkanRejectedException extends CkanException {

    public CkanRejectedException(int status, String message) {
        super(status, message);
    }
}
