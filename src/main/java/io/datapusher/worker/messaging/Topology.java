package io.datapusher.worker.messaging;

/**
 * The broker names of docs/api.md (Messages). They are a contract with CKAN-side producers and operators:
 * extend, never rename.
 */
public final class Topology {

    public static final String EXCHANGE = "datapusher";
    public static final String RESUBMIT_QUEUE = "datapusher.resubmit";
    public static final String RESUBMIT_ROUTING_KEY = "resubmit";
    public static final String DEAD_LETTER_QUEUE = "datapusher.dead-letter";
    public static final String DEAD_LETTER_ROUTING_KEY = "dead-letter";
    public static final String METADATA_PENDING_QUEUE = "datapusher.metadata-pending";
    public static final String METADATA_PENDING_ROUTING_KEY = "metadata-pending";
    public static final String METADATA_PARKED_QUEUE = "datapusher.metadata-parked";
    public static final String METADATA_PARKED_ROUTING_KEY = "metadata-parked";
    /** Header counting how often a resubmit was handed back because of an outage, apart from crashes. */
    public static final String RETRIES_HEADER = "x-datapusher-retries";
    /** Header carrying the reason a body was dead-lettered. */
    public static final String ERROR_HEADER = "x-datapusher-error";

    private Topology() {
    }
}
