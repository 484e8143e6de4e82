package io.datapusher.worker.service;

/**
 * How many messages wait in the broker's queues that need a person: the dead-letter queue (bodies
 * that could not be read, messages that kept killing a worker) and the parked follow-ups. The
 * messaging layer implements it.
 */
public interface BrokerQueues {

    /** Messages in datapusher.dead-letter. Fails when the broker cannot be asked. */
    long deadLetters() throws Exception;

    /** Messages in datapusher.metadata-parked. Fails when the broker cannot be asked. */
    long parked() throws Exception;
}
