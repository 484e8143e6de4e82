package io.datapusher.worker.faults;

import io.datapusher.worker.testsupport.RecordedRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.datapusher.worker.faults.FaultWorld.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CKAN answers 5xx, refuses connections, or has Solr down, before the pivot (fetch-resource) or
 * after it (update-metadata). Before the pivot the job waits in queued with the error shown and
 * nothing changes; after it the new data is live, the job is metadata_pending, and the retry makes
 * it complete once CKAN is back, without touching the DataStore again.
 */
class CkanOutageFaultIT extends FaultSuite {

    /** Large enough that the load lasts a few seconds, so CKAN can go down between download and patch. */
    static final byte[] NEW_FILE = CsvFiles.large(30_000);
    static final Duration TIMEOUT = Duration.ofMinutes(2);

    static String newShape;

    @BeforeAll
    static void start() throws Exception {
        open(FaultWorld.direct("ckan"));
        newShape = curated.referenceShape(NEW_FILE, TIMEOUT);
    }


    @Test
    void ckanAnswering503AtFetchResource() throws Exception {
        beforeThePivot("CKAN answers 503 (proxy page)", () -> world.ckan.serviceUnavailable(true),
                () -> world.ckan.serviceUnavailable(false));
    }

    @Test
    void ckanRefusingConnectionsAtFetchResource() throws Exception {
        beforeThePivot("CKAN refuses connections", () -> world.ckan.refuseConnections(true),
                () -> world.ckan.refuseConnections(false));
    }

    @Test
    void ckanAnswering5xxAtUpdateMetadata() throws Exception {
        // 4 tries per attempt in process: the first attempt and the first retry fail, the second retry passes
        afterThePivot("CKAN answers 500 to resource_patch", "Internal Server Error",
                () -> world.ckan.failNext("resource_patch", 500, 8), () -> { });
    }

    @Test
    void ckanRefusingConnectionsAtUpdateMetadata() throws Exception {
        afterThePivot("CKAN refuses connections", "could not reach CKAN",
                () -> world.ckan.refuseConnections(true), () -> world.ckan.refuseConnections(false));
    }

    @Test
    void solrDownForLongerThanTwoRetryDelays() throws Exception {
        afterThePivot("Solr down (resource_patch 500 Search Index Error) > 2 retry delays", "Search Index Error",
                () -> world.ckan.solrDown(true), () -> world.ckan.solrDown(false));
    }

    // ------------------------------------------------------------------ the two shapes

    private void beforeThePivot(String fault, FaultMatrix.Check breakCkan, FaultMatrix.Check repairCkan) throws Exception {
        FaultMatrix.scenario(fault, "fetch-resource (before the pivot)", s -> {
            String rid = curated.resource();
            TableState old = curated.state(rid);
            world.ckan.replaceFile(rid, NEW_FILE);
            try (StatusTrail trail = new StatusTrail(world, rid)) {
                int requestsBefore = world.ckan.requests("resource_show").size();
                breakCkan.run();
                world.broker().resubmit(rid);
                s.check('b', "the job goes back to queued, saying CKAN is unavailable", () -> {
                    Map<String, String> job = world.awaitStatus(rid, "queued", Duration.ofSeconds(30));
                    assertTrue(job.get("error").contains("CKAN is unavailable"), job.get("error"));
                });
                long logLinesBefore = worker.countLogLines("will be retried");
                Thread.sleep(8_000);
                long rounds = worker.countLogLines("will be retried") - logLinesBefore;
                s.note(rounds + " redelivery rounds in 8 s");
                s.check('b', "it backs off: at most 8 rounds in 8 s (500 ms doubling to 2 s), not a tight loop",
                        () -> assertTrue(rounds >= 1 && rounds <= 8, rounds + " rounds"));
                s.check('b', "still queued, never failed, while CKAN is down",
                        () -> assertEquals("queued", world.newestStatus(rid)));
                s.check('a', "meanwhile the old table is untouched", () -> Promises.tableIsTheOldOne(world, rid,
                        Curated.alias(rid), old));
                List<RecordedRequest> shows = world.ckan.requests("resource_show");
                if (shows.size() - requestsBefore >= 2) {
                    RecordedRequest a = shows.get(requestsBefore);
                    RecordedRequest b = shows.get(requestsBefore + 1);
                    long gap = Duration.between(a.at(), b.at()).toMillis();
                    s.note("in-process retry gap " + gap + " ms");
                    s.check('b', "QUARKUS_FAULT_TOLERANCE_GLOBAL_RETRY_DELAY=100ms takes effect (gap < 900 ms, "
                            + "the annotation says 1 s)", () -> assertTrue(gap < 900, gap + " ms"));
                }
                repairCkan.run();
                s.faultCleared();
                Map<String, String> job = world.awaitEnded(rid, TIMEOUT);
                s.healed();
                s.outcome(job.get("status"));
                s.note("trail " + trail);
                s.check('d', "complete once CKAN is back, with no manual step", () -> Promises.jobEnded(job, "complete", null));
                s.check('a', "the new table is live", () -> Promises.tableIsTheNewOne(world, rid, Curated.alias(rid), old,
                        newShape));
                s.check('c', "nothing is left over", () -> Promises.nothingLeftOver(world, 0));
            } finally {
                repairCkan.run();
            }
        });
    }

    private void afterThePivot(String fault, String error, FaultMatrix.Check breakCkan, FaultMatrix.Check repairCkan)
            throws Exception {
        FaultMatrix.scenario(fault, "update-metadata (after the pivot)", s -> {
            String rid = curated.resource();
            TableState old = curated.state(rid);
            world.ckan.replaceFile(rid, NEW_FILE);
            try (StatusTrail trail = new StatusTrail(world, rid)) {
                world.broker().resubmit(rid);
                await("the job loads", TIMEOUT, () -> FaultWorld.unchecked(
                        () -> "load".equals(world.newestJob(rid).map(j -> j.get("step")).orElse(""))));
                breakCkan.run();
                Map<String, String> pending = world.awaitStatus(rid, "metadata_pending", TIMEOUT);
                s.check('b', "metadata_pending, saying the data is loaded and what CKAN did", () -> {
                    assertTrue(pending.get("error").contains("the data is loaded"), pending.get("error"));
                    assertTrue(pending.get("error").contains(error), pending.get("error"));
                });
                String oid = curated.state(rid).oid();
                s.check('a', "the new table is live already", () -> Promises.tableIsTheNewOne(world, rid, Curated.alias(rid),
                        old, newShape));
                Thread.sleep(5_000); // longer than two retry delays (1 s, 2 s)
                s.check('b', "still metadata_pending while CKAN is broken, retried with attempts counted", () -> {
                    Map<String, String> job = world.newestJob(rid).orElseThrow();
                    assertTrue(List.of("metadata_pending", "complete").contains(job.get("status")), job.toString());
                    assertTrue(Integer.parseInt(job.get("attempts")) >= 2, job.toString());
                });
                repairCkan.run();
                s.faultCleared();
                Map<String, String> job = world.awaitStatus(rid, "complete", TIMEOUT);
                s.healed();
                s.outcome("metadata_pending -> " + job.get("status"));
                s.note("attempts " + job.get("attempts") + "; trail " + trail);
                s.check('d', "complete once CKAN is back, with no manual step", () -> Promises.jobEnded(job, "complete", null));
                s.check('b', "the retries never downloaded nor touched the table again", () -> {
                    assertEquals(1, world.ckan.downloads(rid) - 1, "downloads of the new file");
                    assertEquals(oid, curated.state(rid).oid());
                    assertEquals(CsvFiles.md5(NEW_FILE), world.ckan.resource(rid).get("hash"));
                    assertEquals(true, world.ckan.resource(rid).get("datastore_active"));
                });
                s.check('a', "the new table is live", () -> Promises.tableIsTheNewOne(world, rid, Curated.alias(rid), old,
                        newShape));
                s.check('c', "nothing is left over", () -> Promises.nothingLeftOver(world, 0));
            } finally {
                repairCkan.run();
            }
        });
    }
}
