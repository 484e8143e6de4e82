package io.datapusher.worker.messaging;

/** Reactive Messaging channel names, shared by the code and the tests. */
public final class Channels {

    /** Incoming: queue datapusher.resubmit. */
    public static final String RESUBMIT = "resubmit";
    /** Outgoing: resubmit requests made through POST /api/jobs. */
    public static final String RESUBMIT_REQUESTS = "resubmit-requests";
    /** Incoming: queue datapusher.metadata-pending. */
    public static final String METADATA_RETRY = "metadata-retry";
    /** Outgoing: metadata-pending events, to the delay queues, the retry queue or the parking queue. */
    public static final String METADATA_EVENTS = "metadata-events";
    /** Outgoing: bodies that cannot be processed, to queue datapusher.dead-letter. */
    public static final String DEAD_LETTER = "dead-letter";

    private Channels() {
    }
}
