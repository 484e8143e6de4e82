package io.datapusher.worker.faults;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.datapusher.worker.faults.FaultWorld.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The network to the broker, the jobs database or the DataStore database is cut (through a
 * {@link TcpProxy}) and restored. The worker reports not ready while it is cut, backs off instead
 * of redelivering in a tight loop, changes nothing half-way, and resumes by itself.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OutageFaultIT extends FaultSuite {

    static final byte[] NEW_FILE = CsvFiles.large(30_000);
    static final Duration TIMEOUT = Duration.ofMinutes(2);

    static String newShape;

    @BeforeAll
    static void start() throws Exception {
        open(FaultWorld.proxied("outage"));
        newShape = curated.referenceShape(NEW_FILE, TIMEOUT);
    }


    @Test
    @Order(1)
    void theBrokerConnectionDroppedMidJob() throws Exception {
        FaultMatrix.scenario("RabbitMQ connection dropped (proxy cut 8 s)", "mid-job (load)", s -> {
            String rid = curated.resource();
            TableState old = curated.state(rid);
            world.ckan.replaceFile(rid, NEW_FILE);
            int downloadsBefore = world.ckan.downloads(rid);
            try (StatusTrail trail = new StatusTrail(world, rid)) {
                world.broker().resubmit(rid);
                await("the job loads", TIMEOUT, () -> "load".equals(step(rid)));
                world.brokerProxy.cut();
                Instant cutAt = Instant.now();
                s.check('b', "readiness reports DOWN while the broker is cut", () -> await("readiness DOWN",
                        Duration.ofSeconds(30), () -> !worker.readiness().up()));
                s.note("readiness DOWN after " + Duration.between(cutAt, Instant.now()).toMillis() + " ms");
                Thread.sleep(Math.max(0, 8_000 - Duration.between(cutAt, Instant.now()).toMillis()));
                world.brokerProxy.restore();
                s.faultCleared();
                Map<String, String> job = world.awaitEnded(rid, TIMEOUT);
                s.check('b', "the job ends complete", () -> Promises.jobEnded(job, "complete", null));
                s.check('a', "the new table is live", () -> Promises.tableIsTheNewOne(world, rid, Curated.alias(rid), old,
                        newShape));
                String oid = curated.state(rid).oid();
                Instant readyAgain = Instant.now();
                s.check('d', "readiness is UP again by itself", () -> await("readiness UP", Duration.ofSeconds(90),
                        () -> worker.readiness().up()));
                s.note("readiness UP " + Duration.between(readyAgain, Instant.now()).toMillis() + " ms after the job ended");

                // Consumption resumes: a message published after the restore is consumed and completes.
                String next = world.newResource(CsvFiles.small("after the cut"));
                s.check('d', "consumption resumes by itself: a new message completes", () -> {
                    Map<String, String> nextJob = world.resubmitAndAwait(next, Duration.ofSeconds(90));
                    assertEquals("complete", nextJob.get("status"));
                });
                s.healed();
                s.outcome(job.get("status"));
                List<Map<String, String>> jobs = world.jobsQuery("SELECT status FROM ingest_job WHERE resource_id = '" + rid
                        + "' ORDER BY created_at");
                s.note("jobs of the resource " + jobs.stream().map(j -> j.get("status")).toList() + ", downloads "
                        + (world.ckan.downloads(rid) - downloadsBefore) + "; trail " + trail);
                s.check('a', "the redelivered message never loaded the table twice", () -> assertEquals(oid,
                        curated.state(rid).oid()));
                s.check('c', "the message was not lost nor left unacked; nothing is left over",
                        () -> Promises.nothingLeftOver(world, 0));
                s.check('b', "a redelivered copy of a finished job's message adds no second load "
                        + "(at most one more job, which ends skipped)", () -> {
                    assertTrue(jobs.size() <= 3, jobs.toString()); // the old load, the job, maybe a skipped duplicate
                    jobs.subList(2, jobs.size()).forEach(j -> assertEquals("skipped", j.get("status"), jobs.toString()));
                });
            } finally {
                world.brokerProxy.restore();
                if (!worker.readiness().up()) {
                    s.note("broker log lines: " + brokerLogLines());
                }
            }
        });
    }

    @Test
    @Order(2)
    void theJobsDatabaseUnreachable() throws Exception {
        databaseOutage("jobs database unreachable (proxy cut 10 s)", world.jobsDbProxy, "handed back for a retry");
    }

    @Test
    @Order(3)
    void theDatastoreDatabaseUnreachable() throws Exception {
        databaseOutage("DataStore database unreachable (proxy cut 10 s)", world.datastoreProxy, "will be retried");
    }

    private void databaseOutage(String fault, TcpProxy proxy, String retryLogLine) throws Exception {
        FaultMatrix.scenario(fault, "a message arrives during the outage", s -> {
            String rid = curated.resource();
            TableState old = curated.state(rid);
            world.ckan.replaceFile(rid, NEW_FILE);
            try (StatusTrail trail = new StatusTrail(world, rid)) {
                proxy.cut();
                s.check('b', "readiness reports DOWN", () -> await("readiness DOWN", Duration.ofSeconds(30),
                        () -> !worker.readiness().up()));
                long before = worker.countLogLines(retryLogLine);
                int downloadsBefore = world.ckan.downloads(rid);
                int knownJobs = world.jobCount(rid);
                world.broker().resubmit(rid);
                Thread.sleep(10_000);
                long rounds = worker.countLogLines(retryLogLine) - before;
                int downloads = world.ckan.downloads(rid) - downloadsBefore;
                s.note(rounds + " retry rounds and " + downloads + " downloads in 10 s");
                s.check('b', "it backs off: between 1 and 10 rounds in 10 s (500 ms doubling to 2 s), no tight loop",
                        () -> assertTrue(rounds >= 1 && rounds <= 10, rounds + " rounds"));
                s.check('a', "meanwhile the old table is untouched", () -> Promises.tableIsTheOldOne(world, rid,
                        Curated.alias(rid), old));
                s.check('c', "nothing half-written: no staging table", () -> assertEquals(List.of(), world.stagingTables()));
                proxy.restore();
                s.faultCleared();
                Map<String, String> job = world.awaitNewJobEnded(rid, knownJobs, TIMEOUT);
                s.healed();
                s.outcome(job.get("status"));
                s.note("trail " + trail);
                s.check('d', "complete once the database is back, with no manual step",
                        () -> Promises.jobEnded(job, "complete", null));
                s.check('d', "readiness is UP again", () -> await("readiness UP", Duration.ofSeconds(60),
                        () -> worker.readiness().up()));
                s.check('a', "the new table is live", () -> Promises.tableIsTheNewOne(world, rid, Curated.alias(rid), old,
                        newShape));
                s.check('c', "nothing is left over", () -> Promises.nothingLeftOver(world, 0));
            } finally {
                proxy.restore();
            }
        });
    }

    private static String step(String rid) {
        return FaultWorld.unchecked(() -> world.newestJob(rid).map(j -> j.get("step")).orElse(""));
    }

    private static List<String> brokerLogLines() {
        return worker.logText().lines().filter(l -> l.contains("SRMSG") || l.contains("rabbitmq"))
                .map(l -> l.length() > 200 ? l.substring(0, 200) : l).toList();
    }
}
