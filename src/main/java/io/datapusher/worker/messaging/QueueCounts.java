package io.datapusher.worker.messaging;

import io.datapusher.worker.service.BrokerQueues;
import jakarta.enterprise.context.ApplicationScoped;

/** The broker's own counts of the queues a person must look at. */
@ApplicationScoped
public class QueueCounts implements BrokerQueues {

    private final BrokerTopology topology;

    public QueueCounts(BrokerTopology topology) {
        this.topology = topology;
    }

    @Override
    public long deadLetters() throws Exception {
        return topology.messageCount(Topology.DEAD_LETTER_QUEUE);
    }

    @Override
    public long parked() throws Exception {
        return topology.messageCount(Topology.METADATA_PARKED_QUEUE);
    }
}
