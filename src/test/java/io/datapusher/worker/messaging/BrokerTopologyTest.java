package io.datapusher.worker.messaging;

import io.datapusher.worker.Backoff;
import io.datapusher.worker.testsupport.FakeCkanResource;
import io.datapusher.worker.testsupport.IngestTestEnvironment;
import io.datapusher.worker.testsupport.TestBroker;
import io.datapusher.worker.testsupport.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The queues exist at startup with exactly the arguments of docs/api.md, Messages. */
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
    void changedRetrySettingsAddDelayQueuesInsteadOfBreakingStartup() throws Exception {
        TestServices.RabbitMq rabbit = TestServices.rabbitMq();
        BrokerTopology changed = new BrokerTopology(rabbit.host(), rabbit.port(), rabbit.username(), rabbit.password(),
                IngestTestEnvironment.vhost(), new MetadataRetrySchedule(new Backoff(Duration.ofSeconds(7), Duration.ofSeconds(20)), 3));

        changed.declare();

        try (TestBroker broker = new TestBroker()) {
            for (long ms : new long[] {7000, 14000, 20000}) {
                assertTrue(broker.redeclareAccepted("datapusher.metadata-pending.delay-" + ms, Map.of(
                        "x-queue-type", "quorum",
                        "x-message-ttl", ms,
                        "x-dead-letter-exchange", "datapusher",
                        "x-dead-letter-routing-key", "metadata-pending")), "delay queue of " + ms + " ms");
            }
            assertTrue(broker.redeclareAccepted("datapusher.resubmit", RESUBMIT_ARGUMENTS));
        }
    }

    @Test
    void aDelayQueueHoldsOnlyItsOwnDelay() {
        MetadataRetrySchedule schedule = new MetadataRetrySchedule(new Backoff(Duration.ofSeconds(30), Duration.ofHours(1)), 50);
        assertEquals(List.of(30, 60, 120, 240, 480, 960, 1920, 3600),
                schedule.delays().stream().map(d -> (int) d.toSeconds()).toList());
        assertEquals(Duration.ofSeconds(30), schedule.delayAfter(1));
        assertEquals(Duration.ofHours(1), schedule.delayAfter(49));
        assertTrue(schedule.exhausted(50));
    }

    @Test
    void declaringTheTopologyAgainIsHarmless() throws Exception {
        topology.declare();
        try (TestBroker broker = new TestBroker()) {
            assertTrue(broker.redeclareAccepted("datapusher.resubmit", RESUBMIT_ARGUMENTS));
        }
    }
}
