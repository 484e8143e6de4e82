package io.datapusher.worker.faults;

import io.datapusher.worker.testsupport.WorkerProcess;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.datapusher.worker.faults.FaultWorld.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A message that crashes its consumer on every delivery ends in datapusher.dead-letter after a
 * bounded number of deliveries (the quorum queue's x-delivery-limit, 20, on this RabbitMQ 3.10).
 * Killing the worker 20 times would take minutes, so a raw AMQP consumer plays the crashing
 * worker: it takes the message and closes its channel without an ack, as a dying process does.
 * One real SIGKILL of the worker then shows that a crash is what the broker counts.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PoisonMessageFaultIT {

    static FaultWorld world;
    static WorkerProcess worker;

    @BeforeAll
    static void start() throws Exception {
        world = FaultWorld.direct("poison");
        // Started and stopped once, so that the worker declares the topology; the poison phase runs
        // with no worker consuming, as if every replica had crashed on the message.
        worker = world.startWorker();
        worker.terminate();
        assertTrue(worker.awaitExit(Duration.ofSeconds(60)));
    }

    @AfterAll
    static void stop() {
        FaultMatrix.print();
        if (world != null) {
            world.close();
        }
    }

    @Test
    @Order(1)
    void aMessageThatCrashesItsConsumerIsDeadLetteredAfterABoundedNumberOfDeliveries() throws Exception {
        FaultMatrix.scenario("poison message (the consumer dies on every delivery)", "on delivery", s -> {
            String body = "{\"resource_id\": \"poison-" + java.util.UUID.randomUUID() + "\"}";
            world.broker().publish(body);
            List<Long> counts = new ArrayList<>();
            try (Connection connection = world.broker().newConnection("crashing-consumer")) {
                for (int i = 0; i < 40; i++) {
                    Channel channel = connection.createChannel();
                    channel.basicQos(1);
                    BlockingQueue<Delivery> deliveries = new LinkedBlockingQueue<>();
                    channel.basicConsume(Broker.RESUBMIT, false, (tag, d) -> deliveries.add(d), tag -> { });
                    Delivery d = deliveries.poll(3, TimeUnit.SECONDS);
                    if (d == null) {
                        channel.abort();
                        break;
                    }
                    Object count = d.getProperties().getHeaders() == null ? null
                            : d.getProperties().getHeaders().get("x-delivery-count");
                    counts.add(count == null ? 0L : ((Number) count).longValue());
                    channel.abort(); // dies without an ack: the broker requeues and counts it
                }
            }
            s.note(counts.size() + " deliveries, x-delivery-count " + counts.get(0) + ".." + counts.get(counts.size() - 1));
            Optional<GetResponse> dead = world.broker().take(Broker.DEAD_LETTER, Duration.ofSeconds(10));
            s.outcome(dead.isPresent() ? "dead-lettered after " + counts.size() + " deliveries" : "not dead-lettered");
            s.check('b', "the broker dead-letters it after the delivery limit (20), counting every crash", () -> {
                assertTrue(dead.isPresent(), "nothing in datapusher.dead-letter");
                assertEquals(body, new String(dead.get().getBody(), StandardCharsets.UTF_8));
                assertEquals(21, counts.size(), "deliveries " + counts);
                for (int i = 0; i < counts.size(); i++) {
                    assertEquals(i, counts.get(i).intValue(), "x-delivery-count of delivery " + (i + 1) + ": " + counts);
                }
            });
            s.check('c', "the queue is empty again", () -> assertEquals(0, world.broker().ready(Broker.RESUBMIT)));
        });
    }

    @Test
    @Order(2)
    void healthyMessagesFlowOnceThePoisonIsParked() throws Exception {
        worker = world.restart(worker);
        FaultMatrix.scenario("healthy messages after the poison", "3 small loads", s -> {
            List<String> rids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                rids.add(world.newResource(CsvFiles.small("healthy " + i)));
                world.broker().resubmit(rids.get(i));
            }
            for (String rid : rids) {
                Map<String, String> job = world.awaitEnded(rid, Duration.ofSeconds(60));
                s.check('d', "healthy message " + rid + " completes", () -> assertEquals("complete", job.get("status")));
            }
            s.outcome("complete x3");
            s.check('c', "nothing else is left over", () -> Promises.nothingLeftOver(world, 0));
        });
    }

    @Test
    @Order(3)
    void aRealCrashOfTheWorkerIsCountedByTheBroker() throws Exception {
        FaultMatrix.scenario("SIGKILL of the worker (x-delivery-count)", "during the load", s -> {
            String rid = world.newResource(CsvFiles.large(60_000));
            world.broker().resubmit(rid);
            await("the job loads", Duration.ofMinutes(2), () -> FaultWorld.unchecked(
                    () -> "load".equals(world.newestJob(rid).map(j -> j.get("step")).orElse(""))));
            worker.kill();
            // Look at the redelivered message as the next consumer gets it, and die again.
            try (Connection connection = world.broker().newConnection("inspector")) {
                Channel channel = connection.createChannel();
                GetResponse redelivered = null;
                for (int i = 0; i < 50 && redelivered == null; i++) {
                    redelivered = channel.basicGet(Broker.RESUBMIT, false);
                    if (redelivered == null) {
                        Thread.sleep(100);
                    }
                }
                GetResponse got = redelivered;
                s.check('b', "the crash counts: x-delivery-count is 1 and the message is flagged redelivered", () -> {
                    assertTrue(got != null, "the message came back");
                    assertEquals(1L, ((Number) got.getProps().getHeaders().get("x-delivery-count")).longValue());
                    assertTrue(got.getEnvelope().isRedeliver());
                });
                channel.abort();
            }
            worker = world.restart(worker);
            s.faultCleared();
            Map<String, String> job = world.awaitEnded(rid, Duration.ofMinutes(2));
            s.healed();
            s.outcome(job.get("status") + " (delivery 3)");
            s.check('d', "after the restart the job completes", () -> Promises.jobEnded(job, "complete", null));
            s.check('c', "nothing is left over", () -> Promises.nothingLeftOver(world, 0));
        });
    }
}
