package io.datapusher.worker.faults;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.datapusher.worker.faults.FaultWorld.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM, as Kubernetes sends it: a job in flight finishes within INGEST_SHUTDOWN_GRACE, or, when
 * the grace is too short for it, is stopped with nothing changed and runs again after the restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GracefulShutdownFaultIT extends FaultSuite {

    static final Duration TIMEOUT = Duration.ofMinutes(2);


    @BeforeAll
    static void start() throws Exception {
        FaultWorld sigterm = FaultWorld.direct("sigterm");
        sigterm.workerEnv("INGEST_SHUTDOWN_GRACE", "40s");
        open(sigterm);
    }


    @Test
    @Order(1)
    void aJobInFlightFinishesWithinTheGrace() throws Exception {
        FaultMatrix.scenario("SIGTERM, INGEST_SHUTDOWN_GRACE=40s", "during the load", s -> {
            String rid = curated.resource();
            TableState old = curated.state(rid);
            world.ckan.replaceFile(rid, CsvFiles.large(30_000));
            world.broker().resubmit(rid);
            await("the job loads", TIMEOUT, () -> "load".equals(step(rid)));
            Instant term = Instant.now();
            worker.terminate();
            boolean exited = worker.awaitExit(Duration.ofSeconds(70));
            long took = Duration.between(term, Instant.now()).toMillis();
            s.note("exited " + took + " ms after SIGTERM with code " + (exited ? worker.exitValue() : "(still running)"));
            Map<String, String> job = world.newestJob(rid).orElseThrow();
            s.outcome(job.get("status"));
            s.check('b', "the worker exits within the grace and the job has ended complete", () -> {
                assertTrue(exited && took < 40_000 + 10_000, took + " ms");
                Promises.jobEnded(job, "complete", null);
            });
            s.check('a', "the new table is live", () -> assertTrue(!curated.state(rid).oid().equals(old.oid())
                    && curated.state(rid).rows().startsWith("rows 30000 ")));
            s.check('c', "its message was acked before the exit; nothing is left over",
                    () -> Promises.nothingLeftOver(world, 0));
            worker = world.restart(worker);
        });
    }

    @Test
    @Order(2)
    void aJobLongerThanTheGraceIsStoppedAndRunsAgainAfterTheRestart() throws Exception {
        FaultMatrix.scenario("SIGTERM, INGEST_SHUTDOWN_GRACE=1s", "during COPY of a long load", s -> {
            String rid = curated.resource();
            TableState old = curated.state(rid);
            world.ckan.replaceFile(rid, CsvFiles.large(100_000));
            worker.terminate();
            assertTrue(worker.awaitExit(Duration.ofSeconds(70)));
            world.workerEnv("INGEST_SHUTDOWN_GRACE", "1s");
            worker = world.startWorker();
            try (StatusTrail trail = new StatusTrail(world, rid)) {
                world.broker().resubmit(rid);
                await("the load copies", TIMEOUT, () -> FaultWorld.unchecked(() -> world.writerBackends().stream()
                        .anyMatch(b -> b.contains("|active|") && b.contains("COPY"))));
                Instant term = Instant.now();
                worker.terminate();
                boolean exited = worker.awaitExit(Duration.ofSeconds(60));
                long took = Duration.between(term, Instant.now()).toMillis();
                s.note("exited " + took + " ms after SIGTERM with code " + (exited ? worker.exitValue() : "(still running)"));
                Map<String, String> stopped = world.newestJob(rid).orElseThrow();
                s.check('b', "the job is stopped and back to queued, saying why", () -> {
                    assertTrue(exited, "the worker exited");
                    Promises.jobEnded(stopped, "queued", "shut down");
                });
                s.check('a', "the stopped load changed nothing", () -> Promises.tableIsTheOldOne(world, rid,
                        Curated.alias(rid), old));
                s.check('c', "no staging table; the message went back to the broker", () -> {
                    assertEquals(List.of(), world.stagingTables());
                    // on a miss, say where the message went: every queue's ready and unacked counts, and the job
                    assertEquals(1, world.broker().ready(Broker.RESUBMIT), () -> "queues " + world.queueDepths() + "; job " + stopped);
                });
                world.workerEnv("INGEST_SHUTDOWN_GRACE", "40s");
                worker = world.startWorker();
                s.faultCleared();
                Map<String, String> job = world.awaitEnded(rid, TIMEOUT);
                s.healed();
                s.outcome("queued -> " + job.get("status"));
                s.note("trail " + trail);
                s.check('d', "after the restart it completes with no manual step", () -> Promises.jobEnded(job, "complete", null));
                s.check('a', "the new table is live", () -> assertTrue(curated.state(rid).rows().startsWith("rows 100000 ")));
                s.check('c', "nothing is left over", () -> Promises.nothingLeftOver(world, 0));
            }
        });
    }

    /** Kubernetes must wait longer than the worker's default grace before it sends SIGKILL. */
    @Test
    @Order(3)
    void kubernetesWaitsLongerThanTheDefaultGrace() throws Exception {
        Matcher m = Pattern.compile("terminationGracePeriodSeconds:\\s*(\\d+)")
                .matcher(Files.readString(Path.of("k8s/deployment.yaml")));
        assertTrue(m.find(), "k8s/deployment.yaml sets terminationGracePeriodSeconds");
        long kubernetes = Long.parseLong(m.group(1));
        long grace = 50; // IngestConfig.shutdownGrace's default
        assertTrue(kubernetes >= grace + 5, "terminationGracePeriodSeconds " + kubernetes + " leaves time after the "
                + grace + " s grace to hand messages back and close connections");
    }

    private static String step(String rid) {
        return FaultWorld.unchecked(() -> world.newestJob(rid).map(j -> j.get("step")).orElse(""));
    }
}
