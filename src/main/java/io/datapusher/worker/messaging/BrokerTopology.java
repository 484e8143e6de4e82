package io.datapusher.worker.messaging;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Declares the exchange and queues of docs/api.md (Messages) before any channel starts consuming.
 *
 * <p>The service owns its topology in this one place, instead of spreading queue arguments over
 * connector attributes, because queue arguments can never change once a queue exists (the broker
 * answers 406 and startup fails): what is declared here is final from the first release. The
 * connector channels are configured not to declare anything themselves.
 */
@ApplicationScoped
public class BrokerTopology {

    /**
     * Deliveries of one resubmit message before the broker dead-letters it. Quorum queues count
     * every nack and every consumer crash, so this bounds a message that keeps killing the worker.
     */
    public static final int RESUBMIT_DELIVERY_LIMIT = 20;

    private static final Logger LOG = Logger.getLogger(BrokerTopology.class);

    private final ConnectionFactory factory = new ConnectionFactory();
    private final MetadataRetrySchedule schedule;

    public BrokerTopology(@ConfigProperty(name = "rabbitmq-host", defaultValue = "localhost") String host,
                          @ConfigProperty(name = "rabbitmq-port", defaultValue = "5672") int port,
                          @ConfigProperty(name = "rabbitmq-username", defaultValue = "guest") String username,
                          @ConfigProperty(name = "rabbitmq-password", defaultValue = "guest") String password,
                          @ConfigProperty(name = "rabbitmq-virtual-host", defaultValue = "/") String virtualHost,
                          MetadataRetrySchedule schedule) {
        this.schedule = schedule;
        factory.setHost(host);
        factory.setPort(port);
        factory.setUsername(username);
        factory.setPassword(password);
        factory.setVirtualHost(virtualHost);
        factory.setConnectionTimeout(10_000);
    }

    void declareOnStartup(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) throws Exception {
        declare();
    }

    public void declare() throws Exception {
        try (Connection connection = factory.newConnection("datapusher-worker-topology");
             Channel channel = connection.createChannel()) {
            channel.exchangeDeclare(Topology.EXCHANGE, "topic", true);

            channel.queueDeclare(Topology.DEAD_LETTER_QUEUE, true, false, false,
                    Map.of("x-queue-type", "quorum"));
            channel.queueBind(Topology.DEAD_LETTER_QUEUE, Topology.EXCHANGE, Topology.DEAD_LETTER_ROUTING_KEY);

            channel.queueDeclare(Topology.RESUBMIT_QUEUE, true, false, false, Map.of(
                    "x-queue-type", "quorum",
                    "x-delivery-limit", RESUBMIT_DELIVERY_LIMIT,
                    "x-dead-letter-exchange", Topology.EXCHANGE,
                    "x-dead-letter-routing-key", Topology.DEAD_LETTER_ROUTING_KEY));
            channel.queueBind(Topology.RESUBMIT_QUEUE, Topology.EXCHANGE, Topology.RESUBMIT_ROUTING_KEY);

            declareMetadataRetry(channel);
        }
        LOG.infof("Declared exchange %s, queues %s, %s, %s, %s and delay queues %s", Topology.EXCHANGE,
                Topology.RESUBMIT_QUEUE, Topology.DEAD_LETTER_QUEUE, Topology.METADATA_PENDING_QUEUE,
                Topology.METADATA_PARKED_QUEUE, schedule.delays());
    }

    /**
     * How many messages are ready in each queue, by passive declares on a short-lived connection: a
     * console page asks now and then, and a broker that is down must not hold a consumer's channel.
     */
    public List<Long> messageCounts(List<String> queues) throws Exception {
        try (Connection connection = factory.newConnection("datapusher-worker-console");
             Channel channel = connection.createChannel()) {
            List<Long> counts = new ArrayList<>();
            for (String queue : queues) {
                counts.add((long) channel.queueDeclarePassive(queue).getMessageCount());
            }
            return counts;
        }
    }

    /**
     * The metadata retry: each delay queue holds events for its delay ({@code x-message-ttl}) and then
     * dead-letters them into datapusher.metadata-pending, where the retry consumer takes them.
     */
    private void declareMetadataRetry(Channel channel) throws java.io.IOException {
        channel.queueDeclare(Topology.METADATA_PENDING_QUEUE, true, false, false, Map.of("x-queue-type", "quorum"));
        channel.queueBind(Topology.METADATA_PENDING_QUEUE, Topology.EXCHANGE, Topology.METADATA_PENDING_ROUTING_KEY);
        channel.queueDeclare(Topology.METADATA_PARKED_QUEUE, true, false, false, Map.of("x-queue-type", "quorum"));
        channel.queueBind(Topology.METADATA_PARKED_QUEUE, Topology.EXCHANGE, Topology.METADATA_PARKED_ROUTING_KEY);
        for (java.time.Duration delay : schedule.delays()) {
            String queue = MetadataRetrySchedule.delayQueue(delay);
            channel.queueDeclare(queue, true, false, false, Map.of(
                    "x-queue-type", "quorum",
                    "x-message-ttl", delay.toMillis(),
                    "x-dead-letter-exchange", Topology.EXCHANGE,
                    "x-dead-letter-routing-key", Topology.METADATA_PENDING_ROUTING_KEY));
            channel.queueBind(queue, Topology.EXCHANGE, MetadataRetrySchedule.delayRoutingKey(delay));
        }
    }
}
