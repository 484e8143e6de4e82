package io.datapusher.worker.testsupport;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A producer and an inspector of the test run's virtual host, as a CKAN-side producer or an
 * operator would use the broker: plain AMQP, publisher confirms, nothing from the service's code.
 */
public final class TestBroker implements AutoCloseable {

    private final Connection connection;
    private final Channel channel;

    public TestBroker() throws Exception {
        TestServices.RabbitMq rabbit = TestServices.rabbitMq();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(rabbit.host());
        factory.setPort(rabbit.port());
        factory.setUsername(rabbit.username());
        factory.setPassword(rabbit.password());
        factory.setVirtualHost(IngestTestEnvironment.vhost());
        connection = factory.newConnection("datapusher-worker-tests");
        channel = connection.createChannel();
        channel.confirmSelect();
    }

    /** Publishes to the default exchange with routing key datapusher.resubmit. */
    public void publishToQueue(String body) throws Exception {
        publish("", "datapusher.resubmit", body);
    }

    /** Publishes to the datapusher exchange with routing key resubmit. */
    public void publishToExchange(String body) throws Exception {
        publish("datapusher", "resubmit", body);
    }

    private void publish(String exchange, String routingKey, String body) throws Exception {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType("application/json").deliveryMode(2).build();
        channel.basicPublish(exchange, routingKey, true, props, body.getBytes(StandardCharsets.UTF_8));
        channel.waitForConfirmsOrDie(10_000);
    }

    /** Takes the next message of a queue, waiting for it up to {@code timeout}. */
    public Optional<GetResponse> take(String queue, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            GetResponse response = channel.basicGet(queue, true);
            if (response != null) {
                return Optional.of(response);
            }
            Thread.sleep(100);
        }
        return Optional.empty();
    }

    public long messageCount(String queue) throws Exception {
        return channel.queueDeclarePassive(queue).getMessageCount();
    }

    /**
     * Declares a queue on a fresh channel and says whether the broker accepted it: a declaration
     * whose arguments differ from the existing queue's is refused (406), which is how a test can see
     * a queue's arguments without the management plugin.
     */
    public boolean redeclareAccepted(String queue, java.util.Map<String, Object> arguments) throws Exception {
        try (Channel probe = connection.createChannel()) {
            probe.queueDeclare(queue, true, false, false, arguments);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    public void purge(String queue) throws Exception {
        channel.queuePurge(queue);
    }

    @Override
    public void close() throws Exception {
        connection.close();
    }
}
