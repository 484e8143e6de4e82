package io.datapusher.worker.faults;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.datapusher.worker.testsupport.TestServices;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The broker as a CKAN-side producer and an operator see it: publishes resubmit messages with
 * confirms, and reads queue depths (ready and unacked) with {@code rabbitmqctl}, straight to the
 * broker, never through a proxy.
 */
public final class Broker implements AutoCloseable {

    public static final String RESUBMIT = "datapusher.resubmit";
    public static final String METADATA_PENDING = "datapusher.metadata-pending";
    public static final String DEAD_LETTER = "datapusher.dead-letter";

    private final String vhost;
    private final Connection connection;
    private final Channel channel;

    Broker(String vhost) throws Exception {
        this.vhost = vhost;
        this.connection = factory(vhost).newConnection("fault-suite");
        this.channel = connection.createChannel();
        channel.confirmSelect();
    }

    static ConnectionFactory factory(String vhost) {
        TestServices.RabbitMq rabbit = TestServices.rabbitMq();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(rabbit.host());
        factory.setPort(rabbit.port());
        factory.setUsername(rabbit.username());
        factory.setPassword(rabbit.password());
        factory.setVirtualHost(vhost);
        factory.setAutomaticRecoveryEnabled(false);
        return factory;
    }

    /** A new connection to this virtual host, for tests that play a consumer themselves. */
    public Connection newConnection(String name) throws Exception {
        return factory(vhost).newConnection(name);
    }

    /** A resubmit message for a resource, as CKAN's plugin sends it. */
    public void resubmit(String resourceId) throws Exception {
        publish("{\"resource_id\": \"" + resourceId + "\"}");
    }

    public synchronized void publish(String body) throws Exception {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType("application/json").deliveryMode(2).build();
        channel.basicPublish("datapusher", "resubmit", true, props, body.getBytes(StandardCharsets.UTF_8));
        channel.waitForConfirmsOrDie(10_000);
    }

    /** Ready messages of a queue (unacked ones are not counted by the broker here). */
    public synchronized long ready(String queue) throws Exception {
        return channel.queueDeclarePassive(queue).getMessageCount();
    }

    public synchronized Optional<GetResponse> take(String queue, Duration timeout) throws Exception {
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

    /** Queue depth as an operator sees it: {@code queue -> [ready, unacked]}, for every queue of the vhost. */
    public Map<String, long[]> depths() throws Exception {
        Process p = new ProcessBuilder("rabbitmqctl", "-q", "list_queues", "-p", vhost, "--no-table-headers",
                "name", "messages_ready", "messages_unacknowledged").redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("rabbitmqctl list_queues failed: " + out);
        }
        Map<String, long[]> depths = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 3 && parts[1].matches("\\d+")) {
                depths.put(parts[0], new long[]{Long.parseLong(parts[1]), Long.parseLong(parts[2])});
            }
        }
        return depths;
    }

    /** Ready plus unacked messages of a queue. */
    public long total(String queue) throws Exception {
        long[] d = depths().get(queue);
        return d == null ? -1 : d[0] + d[1];
    }

    @Override
    public void close() throws Exception {
        if (connection.isOpen()) {
            connection.close();
        }
    }
}
