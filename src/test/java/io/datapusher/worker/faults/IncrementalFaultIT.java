package io.datapusher.worker.faults;

import io.datapusher.worker.datastore.IndexNames;
import io.datapusher.worker.datastore.Sql;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static io.datapusher.worker.faults.FaultWorld.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 18: the worker dies (SIGKILL) or loses its DataStore backend (pg_terminate_backend) while
 * an incremental load writes into the live table: during an append's COPY, and during a keyed
 * apply's UPDATE. The live table is exactly the old one until the load commits (one transaction),
 * and the job heals as a full load does: it runs again and takes the same path.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IncrementalFaultIT extends FaultSuite {

    static final int ROWS = Integer.getInteger("faults.rows", 100_000);
    /** Under INGEST_INCREMENTAL_MAX_FRACTION's default, and long enough to be caught writing. */
    static final int CHANGED = ROWS / 7;
    static final Duration LOAD_TIMEOUT = Duration.ofMinutes(4);

    @BeforeAll
    static void startWorker() throws Exception {
        // History on, as by default: the load also writes its change into history, in the same transaction.
        open(FaultWorld.direct("incremental"));
    }

    @Test
    @Order(1)
    void sigkillDuringAnAppend() throws Exception {
        scenario("SIGKILL of the worker", "during an append's COPY into the live table", false, true);
    }

    @Test
    @Order(2)
    void terminatedBackendDuringAnAppend() throws Exception {
        scenario("pg_terminate_backend of the load", "during an append's COPY into the live table", false, false);
    }

    @Test
    @Order(3)
    void sigkillDuringAKeyedApply() throws Exception {
        scenario("SIGKILL of the worker", "during a keyed apply (its first write to the live table)", true, true);
    }

    @Test
    @Order(4)
    void terminatedBackendDuringAKeyedApply() throws Exception {
        scenario("pg_terminate_backend of the load", "during a keyed apply (its first write to the live table)", true, false);
    }

    private void scenario(String fault, String point, boolean keyed, boolean kill) throws Exception {
        FaultMatrix.scenario(fault, point, s -> {
            String rid = world.newResource(file(ROWS, 0, 0));
            assertEquals("complete", world.resubmitAndAwait(rid, LOAD_TIMEOUT).get("status"), "the first, full load");
            if (keyed) {
                world.datastore.writerExecute("CREATE UNIQUE INDEX " + Sql.quoteIdent(IndexNames.ckanName(rid, "\"id\""))
                        + " ON " + Sql.publicTable(rid) + " (\"id\")");
            }
            String old = contents(rid);
            byte[] next = keyed ? file(ROWS, CHANGED, 0) : file(ROWS, 0, CHANGED);
            world.ckan.replaceFile(rid, next);
            int known = world.jobCount(rid);
            String pid;
            // A keyed apply is too quick to be caught by polling: a reader's SHARE lock holds its first write (the
            // DELETE), after the file was copied and compared in the same transaction.
            try (Connection holder = world.datastore.asSuperuser(); Statement st = holder.createStatement()) {
                holder.setAutoCommit(false);
                if (keyed) {
                    st.execute("LOCK TABLE " + Sql.publicTable(rid) + " IN SHARE MODE");
                }
                world.broker().resubmit(rid);
                pid = backendRunning(keyed ? "DELETE" : "COPY", Sql.publicTable(rid));
                if (kill) {
                    worker.kill();
                } else {
                    assertEquals("t", world.datastore.queryOne("SELECT pg_terminate_backend(" + pid + ")"));
                }
                holder.rollback();
            }
            s.check('c', "the load's backend ends and frees the advisory lock within 10 s",
                    () -> await("backend " + pid + " is gone", Duration.ofSeconds(10),
                            () -> FaultWorld.unchecked(() -> !world.backendAlive(pid) && world.advisoryLocks().isEmpty())));
            s.check('a', "until the load commits the live table is exactly the old one",
                    () -> assertEquals(old, contents(rid)));
            if (kill) {
                worker = world.restart(worker);
            }
            s.faultCleared();
            Map<String, String> job = world.awaitNewJobEnded(rid, known, LOAD_TIMEOUT);
            s.healed();
            s.outcome(job.get("status"));
            s.check('b', "the job ends complete", () -> assertEquals("complete", job.get("status"), job.toString()));
            s.check('d', "it took the incremental path again, with no manual step", () -> assertEquals(keyed ? "keyed" : "append",
                    world.jobsQuery("SELECT load_path FROM ingest_job WHERE job_id = '" + job.get("job_id") + "'").get(0)
                            .get("load_path")));
            s.check('a', "the live table holds the new file", () -> assertEquals(String.valueOf(keyed ? ROWS : ROWS + CHANGED),
                    world.datastore.queryOne("SELECT count(*) FROM " + Sql.publicTable(rid))));
            s.check('c', "nothing is left over", () -> assertTrue(world.stagingTables().isEmpty(), world.stagingTables().toString()));
        });
    }

    /** The table's rows, _full_text included, in _id order, as one digest. */
    private static String contents(String rid) throws Exception {
        return world.datastore.queryOne("SELECT count(*) || ' ' || md5(string_agg(t::text, ',' ORDER BY \"_id\")) FROM "
                + Sql.publicTable(rid) + " t");
    }

    /** {@code rows} rows, the first {@code changed} of them with a new note, and {@code added} rows after them. */
    private static byte[] file(int rows, int changed, int added) {
        StringBuilder csv = new StringBuilder(rows * 64).append("id,name,amount,when,note\n");
        for (int i = 1; i <= rows + added; i++) {
            csv.append(i).append(",name number ").append(i).append(',').append(i % 997).append(",2024-")
                    .append(String.format("%02d", 1 + i % 12)).append('-').append(String.format("%02d", 1 + i % 28))
                    .append(",note ").append(i <= changed ? "changed " : "").append(Integer.toHexString(i * 7919)).append(" lorem\n");
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Waits for a backend of the worker to run {@code statement} on a text that names {@code table}; returns its pid. */
    private static String backendRunning(String statement, String table) throws Exception {
        AtomicReference<String> pid = new AtomicReference<>();
        await("the load runs " + statement + " on " + table, LOAD_TIMEOUT, () -> FaultWorld.unchecked(() -> {
            for (String b : world.writerBackends()) {
                String[] f = b.split("\\|", 4);
                if ("active".equals(f[1]) && f[3].trim().startsWith(statement) && f[3].contains(table)) {
                    pid.set(f[0]);
                    return true;
                }
            }
            return false;
        }));
        return pid.get();
    }
}
