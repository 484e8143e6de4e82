package io.datapusher.worker.messaging;

import io.datapusher.worker.testsupport.FakeCkanResource;
import io.datapusher.worker.testsupport.IngestTestEnvironment;
import io.datapusher.worker.testsupport.TestBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The queues exist at startup with exactly the arguments of design.md §6. */
@QuarkusTest
@QuarkusTestResource(IngestTestEnvironment.class)
@QuarkusTestResource(FakeCkanResource.class)
class BrokerTopologyTest {

    @jakarta.inject.Inject
    BrokerTopology topology;

    private static final Map<String, Object> RESUBMIT_ARGUMENTS = Map.of(
            "x-queue-type", "quorum",
            "x-delivery-limit", BrokerTopology.RESUBMIT_DELIVERY_LIMIT,
            "x-dead-letter-exchange", "datapusher",
            "x-dead-letter-routing-key", "dead-letter");

    @Test
    void theResubmitQueueIsAQuorumQueueWithItsDeliveryLimitAndDeadLettering() throws Exception {
        try (TestBroker broker = new TestBroker()) {
            assertTrue(broker.redeclareAccepted("datapusher.resubmit", RESUBMIT_ARGUMENTS));
            assertFalse(broker.redeclareAccepted("datapusher.resubmit", Map.of("x-queue-type", "classic")));
            assertTrue(broker.redeclareAccepted("datapusher.dead-letter", Map.of("x-queue-type", "quorum")));
        }
    }

    @Test
    void declaringTheTopologyAgainIsHarmless() throws Exception {
        topology.declare();
        try (TestBroker broker = new TestBroker()) {
            assertTrue(broker.redeclareAccepted("datapusher.resubmit", RESUBMIT_ARGUMENTS));
        }
    }
}
