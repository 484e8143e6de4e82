package io.datapusher.worker.service;

/**
 * How many messages wait in the broker's queues that need a person. The messaging layer implements it.
 */
public interface BrokerQueues {

    /**
     * @param deadLetters messages in datapusher.dead-letter: bodies that could not be read, messages that kept killing a worker
     * @param parked      follow-up events in datapusher.metadata-parked, given up after their attempts
     */
    record Waiting(long deadLetters, long parked) {
    }

    /** Asks the broker now. Fails when it cannot be asked. */
    Waiting waiting() throws Exception;
}
