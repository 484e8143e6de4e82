package io.datapusher.worker.testsupport;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import org.junit.jupiter.api.Test;

import java.sql.DriverManager;
import java.sql.ResultSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The services TestServices names answer, and a test vhost is usable and goes away. */
class TestServicesTest {

    @Test
    void postgresAnswersAsASuperuser() throws Exception {
        TestServices.Postgres pg = TestServices.postgres();
        try (var c = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.user(), pg.password());
                ResultSet rs = c.createStatement().executeQuery("select rolsuper from pg_roles where rolname = current_user")) {
            assertTrue(rs.next());
            assertTrue(rs.getBoolean(1), "tests need a superuser to create roles and databases");
        }
    }

    @Test
    void aVhostOfItsOwnIsUsableThenDeleted() throws Exception {
        TestServices.RabbitMq rabbit = TestServices.rabbitMq();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(rabbit.host());
        factory.setPort(rabbit.port());
        factory.setUsername(rabbit.username());
        factory.setPassword(rabbit.password());

        String vhost = TestServices.createVhost();
        try {
            factory.setVirtualHost(vhost);
            try (Connection connection = factory.newConnection(); Channel channel = connection.createChannel()) {
                String queue = channel.queueDeclare("", false, true, true, null).getQueue();
                channel.basicPublish("", queue, null, "x".getBytes());
                GetResponse got = null;
                for (int i = 0; i < 100 && got == null; i++) {
                    got = channel.basicGet(queue, true);
                    if (got == null) {
                        Thread.sleep(20);
                    }
                }
                assertEquals("x", got == null ? null : new String(got.getBody()));
            }
        } finally {
            TestServices.deleteVhost(vhost);
        }
        if (!"/".equals(vhost)) {
            factory.setVirtualHost(vhost);
            assertThrows(Exception.class, () -> factory.newConnection().close());
        }
    }
}
