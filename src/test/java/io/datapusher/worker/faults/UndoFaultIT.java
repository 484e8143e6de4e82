package io.datapusher.worker.faults;

import io.datapusher.worker.datastore.DatastoreConnections;
import io.datapusher.worker.datastore.History;
import io.datapusher.worker.datastore.HistoryPolicy;
import io.datapusher.worker.testsupport.WorkerProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static io.datapusher.worker.faults.CrashFaultIT.unchecked;
import static io.datapusher.worker.faults.FaultWorld.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Undo under faults (issue 17): the worker killed in the middle of a restore leaves the live table
 * exactly as it was or exactly the restored version; a restore and a load of the same resource run
 * one after the other, never together; the history sweep never touches a live or a staging table.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UndoFaultIT extends FaultSuite {

    static final int ROWS = Integer.getInteger("faults.rows", 100_000);
    static final Duration LOAD_TIMEOUT = Duration.ofMinutes(4);

    @BeforeAll
    static void startWorker() throws Exception {
        open(FaultWorld.direct("undo"));
    }

    @Test
    @Order(1)
    void sigkillDuringARestoreLeavesTheOldTableOrTheRestoredOne() throws Exception {
        FaultMatrix.scenario("SIGKILL of the worker", "during a restore (its swap waiting for a reader)", s -> {
            String rid = reloaded(CsvFiles.large(ROWS));
            String alias = Curated.alias(rid);
            TableState live = TableState.of(world.datastore, rid, alias);
            String kept = keptRows(rid);
            try (Connection reader = world.datastore.asReader()) {
                reader.setAutoCommit(false);
                try (Statement st = reader.createStatement()) {
                    st.executeQuery("SELECT count(*) FROM \"" + rid + "\"").close();
                }
                String jobId = restore(rid);
                String pid = CrashFaultIT.writerBackendWaitingForLock();
                worker.kill();
                s.check('c', "the orphaned backend " + pid + " ends and frees the advisory lock within 10 s",
                        () -> await("backend " + pid + " is gone", Duration.ofSeconds(10),
                                () -> unchecked(() -> !world.backendAlive(pid) && world.advisoryLocks().isEmpty())));
                reader.rollback();
                s.check('a', "while the worker is dead the live table is exactly the old one",
                        () -> Promises.tableIsTheOldOne(world, rid, alias, live));
                s.check('a', "and the version is still kept, whole", () -> assertEquals(kept, keptRows(rid)));

                worker = world.restart(worker);
                s.faultCleared();
                Map<String, String> job = world.awaitEnded(rid, LOAD_TIMEOUT);
                s.healed();
                s.outcome(job.get("status"));
                s.check('b', "the restore job resumed and ends complete", () -> {
                    assertEquals(jobId, job.get("job_id"));
                    Promises.jobEnded(job, "complete", null);
                });
                s.check('a', "the live table is exactly the restored version, with its curated notes", () -> {
                    assertEquals(kept, rows(rid));
                    assertTrue(world.datastore.queryOne("SELECT col_description('\"" + rid + "\"'::regclass, attnum)"
                            + " FROM pg_attribute WHERE attrelid = '\"" + rid + "\"'::regclass AND attname = 'name'")
                            .contains("typed by a curator"));
                    assertEquals(List.of(alias), world.datastore.query("SELECT viewname FROM pg_views WHERE viewname = '"
                            + alias + "'"));
                });
                s.check('c', "nothing is left over", () -> Promises.nothingLeftOver(world, 0));
            }
        });
    }

    @Test
    @Order(2)
    void aRestoreWhileALoadOfTheSameResourceRunsWaitsForIt() throws Exception {
        FaultMatrix.scenario("a restore during a load", "the load is in COPY when the restore is asked for", s -> {
            String rid = reloaded(CsvFiles.small("second"));
            world.ckan.replaceFile(rid, CsvFiles.large(ROWS));
            int known = world.jobCount(rid);
            world.broker().resubmit(rid);
            CrashFaultIT.writerBackendRunning("COPY", "");
            String loadJob = world.newestJob(rid).orElseThrow().get("job_id");
            String restoreJob = restore(rid);
            s.faultCleared();
            // Taken by a free consumer, it finds the resource's lock held and goes back to the queue
            // ("another load ... is running"); with none free, it waits in the queue. Either way, after.
            s.check('a', "while the load runs, the restore has not touched the table", () -> {
                assertEquals("running", job(loadJob).get("status"));
                assertFalse("complete".equals(job(restoreJob).get("status")));
            });
            await("both jobs end", LOAD_TIMEOUT, () -> unchecked(() ->
                    FaultWorld.ENDED.contains(job(loadJob).get("status")) && FaultWorld.ENDED.contains(job(restoreJob).get("status"))));
            s.healed();
            Map<String, String> load = job(loadJob);
            Map<String, String> restored = job(restoreJob);
            s.outcome("load " + load.get("status") + ", restore " + restored.get("status"));
            s.note("the restore's last error: " + restored.get("error"));
            s.check('b', "both end complete, the restore after the load", () -> {
                assertEquals("complete", load.get("status"));
                assertEquals("complete", restored.get("status"));
                assertEquals(known + 2, world.jobCount(rid));
                assertTrue(world.jobsQuery("SELECT 1 FROM ingest_job r, ingest_job l WHERE r.job_id = '" + restoreJob
                        + "' AND l.job_id = '" + loadJob + "' AND r.live_at > l.live_at").size() == 1);
            });
            s.check('a', "the restore brought back the version the load replaced (the newest when it ran)",
                    () -> assertEquals("2", world.datastore.queryOne("SELECT count(*) FROM \"" + rid + "\"")));
            s.check('c', "nothing is left over", () -> Promises.nothingLeftOver(world, 0));
        });
    }

    @Test
    @Order(3)
    void theHistorySweepNeverTouchesALiveOrAStagingTable() throws Exception {
        FaultMatrix.scenario("the history sweep at its harshest", "while a staged load of the resource runs", s -> {
            String rid = reloaded(CsvFiles.small("second"));
            String alias = Curated.alias(rid);
            History harshest = new History(DatastoreConnections.fromCkanUrl(world.datastore.writeUrl()),
                    new HistoryPolicy(0, Duration.ZERO, OptionalLong.of(0)));
            TableState live = TableState.of(world.datastore, rid, alias);
            world.ckan.replaceFile(rid, CsvFiles.large(ROWS));
            world.broker().resubmit(rid);
            CrashFaultIT.writerBackendRunning("COPY", "");
            List<String> staging = world.stagingTables();

            int dropped = harshest.sweep();
            s.faultCleared();
            s.note("versions dropped by the sweep during the load: " + dropped);
            s.check('a', "the live table and the staging table are untouched", () -> {
                Promises.tableIsTheOldOne(world, rid, alias, live);
                assertFalse(staging.isEmpty(), "a staged load has its staging table");
                assertEquals(staging, world.stagingTables());
            });
            s.check('a', "the resource's history is left alone while its load holds the lock",
                    () -> assertEquals(1, harshest.versions(rid).size()));
            Map<String, String> job = world.awaitEnded(rid, LOAD_TIMEOUT);
            s.healed();
            s.outcome(job.get("status"));
            s.check('b', "the load ends complete", () -> Promises.jobEnded(job, "complete", null));
            String after = TableState.of(world.datastore, rid, alias).shape();
            harshest.sweep();
            s.check('a', "once the load is done the sweep drops the history, and only it", () -> {
                assertTrue(harshest.versions(rid).isEmpty());
                assertEquals(after, TableState.of(world.datastore, rid, alias).shape());
            });
            s.check('c', "nothing is left over", () -> Promises.nothingLeftOver(world, 0));
        });
    }

    /** A curated resource reloaded with {@code file}: the curated table is kept in history. */
    private static String reloaded(byte[] file) throws Exception {
        String rid = curated.resource();
        world.ckan.replaceFile(rid, file);
        assertEquals("complete", world.resubmitAndAwait(rid, LOAD_TIMEOUT).get("status"));
        return rid;
    }

    private static String restore(String rid) throws Exception {
        WorkerProcess.Health answer = worker.postAnswer("/api/resources/" + rid + "/restore", "");
        assertEquals(202, answer.status(), answer.body().toString());
        return answer.body().path("job_id").asText();
    }

    private static Map<String, String> job(String jobId) throws Exception {
        return world.jobsQuery("SELECT status, error FROM ingest_job WHERE job_id = '" + jobId + "'").get(0);
    }

    /** The kept version's rows: count and checksum, as {@link TableState} counts the live table's. */
    private static String keptRows(String rid) throws Exception {
        String table = world.datastore.queryOne("SELECT table_name FROM datapusher_history._versions WHERE resource_id = '"
                + rid + "' ORDER BY replaced_at DESC LIMIT 1");
        return world.datastore.queryOne("SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, ',' ORDER BY _id)), '')"
                + " FROM datapusher_history.\"" + table + "\" t");
    }

    private static String rows(String rid) throws Exception {
        return world.datastore.queryOne("SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, ',' ORDER BY _id)), '')"
                + " FROM public.\"" + rid + "\" t");
    }
}
