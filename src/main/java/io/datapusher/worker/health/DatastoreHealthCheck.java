package io.datapusher.worker.health;

import io.datapusher.worker.datastore.DatastoreConnections;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * Ready only while the DataStore database answers as CKAN's write user: without it no load can
 * run. The jobs database and the broker have their own checks from their extensions.
 *
 * <p>The DataStore's {@code max_connections} is shared with CKAN and the readiness endpoint is open,
 * so requests must not turn into connections: a result is reused for {@link #FRESH_FOR}, at most
 * one check runs at a time (a request that arrives meanwhile gets the last result), and a check
 * gives up after {@link #TIMEOUT_SECONDS}. However often it is asked, a replica holds at most one
 * probe connection, for at most a few seconds in every {@link #FRESH_FOR}.
 */
@Readiness
@Blocking
@ApplicationScoped
public class DatastoreHealthCheck implements HealthCheck {

    static final Duration FRESH_FOR = Duration.ofSeconds(5);
    static final int TIMEOUT_SECONDS = 3;
    private static final String NAME = "DataStore database";

    /** Opens one probe connection; a seam for tests that count them. */
    interface Opener {
        Connection open() throws Exception;
    }

    private record Result(HealthCheckResponse response, long checkedAtNanos) {
    }

    private final Opener opener;
    private final LongSupplier nanoTime;
    private final ReentrantLock checking = new ReentrantLock();
    private volatile Result last;

    @Inject
    public DatastoreHealthCheck(DatastoreConnections connections) {
        this(() -> connections.openForProbe("datapusher-worker readiness", TIMEOUT_SECONDS), System::nanoTime);
    }

    DatastoreHealthCheck(Opener opener, LongSupplier nanoTime) {
        this.opener = opener;
        this.nanoTime = nanoTime;
    }

    @Override
    public HealthCheckResponse call() {
        Result cached = last;
        if (isFresh(cached)) {
            return cached.response();
        }
        if (!checking.tryLock()) {
            return cached != null ? cached.response()
                    : HealthCheckResponse.named(NAME).down().withData("error", "the first check is still running").build();
        }
        try {
            cached = last;
            if (isFresh(cached)) {
                return cached.response();   // another request finished a check just before this one took the lock
            }
            HealthCheckResponse response = check();
            last = new Result(response, nanoTime.getAsLong());
            return response;
        } finally {
            checking.unlock();
        }
    }

    private boolean isFresh(Result result) {
        return result != null && nanoTime.getAsLong() - result.checkedAtNanos() < FRESH_FOR.toNanos();
    }

    private HealthCheckResponse check() {
        try (Connection connection = opener.open(); Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(TIMEOUT_SECONDS);
            statement.execute("SELECT 1");
            return HealthCheckResponse.up(NAME);
        } catch (Exception e) {
            return HealthCheckResponse.named(NAME).down()
                    .withData("error", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                    .build();
        }
    }
}
