package io.datapusher.worker.health;

import io.datapusher.worker.datastore.DatastoreConnections;
import io.datapusher.worker.faults.TcpProxy;
import io.datapusher.worker.testsupport.DatastoreTestDatabase;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Readiness is open to anyone who reaches the port, and the DataStore's max_connections is shared
 * with CKAN: asking for readiness, however often and however many at once, must not turn into
 * DataStore connections.
 */
class DatastoreHealthCheckTest {

    private static final int REQUESTS = 24;

    private DatastoreTestDatabase database;
    private TcpProxy proxy;
    private ExecutorService callers;

    @BeforeEach
    void start() throws Exception {
        database = new DatastoreTestDatabase();
        URI real = URI.create(database.writeUrl());
        proxy = new TcpProxy(real.getHost(), real.getPort());
        callers = Executors.newFixedThreadPool(REQUESTS);
    }

    @AfterEach
    void stop() throws Exception {
        callers.shutdownNow();
        proxy.close();
        database.close();
    }

    @Test
    void manyReadinessRequestsAtOnceOpenOneDatastoreConnection() throws Exception {
        String throughProxy = throughProxy();
        DatastoreHealthCheck check = new DatastoreHealthCheck(DatastoreConnections.fromCkanUrl(throughProxy));

        List<HealthCheckResponse> answers = callAtOnce(check, REQUESTS);
        answers.addAll(callAtOnce(check, REQUESTS));

        assertEquals(1, proxy.accepted(), "DataStore connections opened for " + 2 * REQUESTS + " readiness requests");
        assertTrue(answers.stream().anyMatch(a -> a.getStatus() == HealthCheckResponse.Status.UP));
    }

    @Test
    void aRequestDuringACheckGetsTheLastResultAndAStaleResultIsCheckedAgain() throws Exception {
        AtomicLong now = new AtomicLong();
        AtomicInteger opened = new AtomicInteger();
        CountDownLatch checkStarted = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        DatastoreConnections real = DatastoreConnections.fromCkanUrl(database.writeUrl());
        DatastoreHealthCheck check = new DatastoreHealthCheck(() -> {
            opened.incrementAndGet();
            checkStarted.countDown();
            release.await(30, TimeUnit.SECONDS);
            return real.openForProbe("readiness-test", 3);
        }, now::get);

        Future<HealthCheckResponse> first = callers.submit(check::call);
        assertTrue(checkStarted.await(30, TimeUnit.SECONDS));
        List<HealthCheckResponse> meanwhile = callAtOnce(check, REQUESTS - 1);
        release.countDown();

        assertEquals(HealthCheckResponse.Status.UP, first.get(30, TimeUnit.SECONDS).getStatus());
        assertTrue(meanwhile.stream().allMatch(a -> a.getStatus() == HealthCheckResponse.Status.DOWN),
                "no result yet, so the requests during the first check say so");
        assertEquals(1, opened.get());

        now.addAndGet(DatastoreHealthCheck.FRESH_FOR.toNanos() - 1);
        assertEquals(HealthCheckResponse.Status.UP, check.call().getStatus());
        assertEquals(1, opened.get(), "a fresh result is reused");

        now.addAndGet(1);
        assertEquals(HealthCheckResponse.Status.UP, check.call().getStatus());
        assertEquals(2, opened.get(), "a stale result is checked again");
    }

    @Test
    void aDatastoreThatIsDownIsReportedDownWithinTheTimeout() {
        proxy.cut();
        String throughProxy = throughProxy();

        HealthCheckResponse answer = new DatastoreHealthCheck(DatastoreConnections.fromCkanUrl(throughProxy)).call();

        assertEquals(HealthCheckResponse.Status.DOWN, answer.getStatus());
    }

    /** The DataStore's write URL, pointed at the counting proxy. */
    private String throughProxy() {
        URI real = URI.create(database.writeUrl());
        return "postgresql://" + real.getRawUserInfo() + "@127.0.0.1:" + proxy.port() + real.getRawPath();
    }

    private List<HealthCheckResponse> callAtOnce(DatastoreHealthCheck check, int n) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<HealthCheckResponse>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(callers.submit(() -> {
                go.await();
                return check.call();
            }));
        }
        go.countDown();
        List<HealthCheckResponse> answers = new ArrayList<>();
        for (Future<HealthCheckResponse> future : futures) {
            answers.add(future.get(60, TimeUnit.SECONDS));
        }
        return answers;
    }
}
