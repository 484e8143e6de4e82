package io.datapusher.worker.messaging;

import io.datapusher.worker.service.BrokerQueues;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** The broker's own counts of the queues a person must look at. */
@ApplicationScoped
public class QueueCounts implements BrokerQueues {

    private final BrokerTopology topology;

    public QueueCounts(BrokerTopology topology) {
        this.topology = topology;
    }

    @Override
    public Waiting waiting() throws Exception {
        List<Long> counts = topology.messageCounts(List.of(Topology.DEAD_LETTER_QUEUE, Topology.METADATA_PARKED_QUEUE));
        return new Waiting(counts.get(0), counts.get(1));
    }
}
