package io.datapusher.worker.health;

import io.datapusher.worker.datastore.DatastoreConnections;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.sql.Connection;
import java.sql.Statement;

/**
 * Ready only while the DataStore database answers as CKAN's write user: without it no load can
 * run. The jobs database and the broker have their own checks from their extensions.
 */
@Readiness
@Blocking
@ApplicationScoped
public class DatastoreHealthCheck implements HealthCheck {

    private final DatastoreConnections connections;

    public DatastoreHealthCheck(DatastoreConnections connections) {
        this.connections = connections;
    }

    @Override
    public HealthCheckResponse call() {
        try (Connection connection = connections.open(); Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(5);
            statement.execute("SELECT 1");
            return HealthCheckResponse.up("DataStore database");
        } catch (Exception e) {
            return HealthCheckResponse.named("DataStore database").down()
                    .withData("error", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    .build();
        }
    }
}
