package io.datapusher.worker.testsupport;

import io.quarkus.test.common.QuarkusTestResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * What every end-to-end test shares: the test run's databases and broker, the CKAN fake (reset
 * before each test), and a plain AMQP producer for resubmit messages. Subclasses are
 * {@code @QuarkusTest}s; they share one Quarkus boot because they share these resources.
 */
@QuarkusTestResource(IngestTestEnvironment.class)
@QuarkusTestResource(FakeCkanResource.class)
public abstract class EndToEndTest {

    @InjectFakeCkan
    protected FakeCkan ckan;

    protected static TestBroker broker;

    @BeforeAll
    static void connectBroker() throws Exception {
        broker = new TestBroker();
    }

    @AfterAll
    static void disconnectBroker() throws Exception {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    @BeforeEach
    void resetCkan() {
        ckan.reset();
    }

    protected static DatastoreTestDatabase datastore() {
        return IngestTestEnvironment.datastore();
    }
}
