package io.datapusher.worker.client;

/** CKAN failed (5xx, Solr down) or could not be reached: the same request may work later. */
public class CkanUnavailableException extends CkanException {

    public CkanUnavailableException(int status, String message) {
        super(status, message);
    }
}
