package io.datapusher.worker.faults;

import io.datapusher.worker.datastore.DatastoreLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static io.datapusher.worker.faults.FaultWorld.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A load ends, and says the truth, whatever PostgreSQL does and whenever INGEST_JOB_TIMEOUT passes:
 * a load whose COPY stalls in a server that ignores cancels still ends when its time is up, frees
 * its resource and drops its staging table; a job whose time is up after its swap finishes the
 * live table and ends complete. The stalls are made in the DataStore: a trigger function, or an
 * event trigger on {@code CREATE INDEX}, waits for an advisory lock the test holds (the gate).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadsEndFaultIT extends FaultSuite {

    static final Duration JOB_TIMEOUT = Duration.ofSeconds(15);
    static final Duration TIMEOUT = Duration.ofMinutes(2);
    static final long COPY_GATE = 77_101;
    static final long INDEX_GATE = 77_102;

    @BeforeAll
    static void startWorker() throws Exception {
        open(FaultWorld.direct("loadsend").workerEnv("INGEST_JOB_TIMEOUT", JOB_TIMEOUT.toSeconds() + "s"));
    }

    @Test
    @Order(1)
    void aLoadStalledInAServerThatIgnoresCancelsEndsWhenItsTimeIsUp() throws Exception {
        FaultMatrix.scenario("COPY stalls, PostgreSQL ignores the cancel; INGEST_JOB_TIMEOUT=15s", "during COPY (staged)", s -> {
            String rid = curated.resource();
            TableState old = curated.state(rid);
            String trigger = world.datastore.queryOne(
                    "SELECT pg_get_functiondef('public.populate_full_text_trigger()'::regprocedure)");
            try (Connection gate = world.datastore.asSuperuser()) {
                execute(gate, "SELECT pg_advisory_lock(" + COPY_GATE + ")");
                execute(gate, "CREATE OR REPLACE FUNCTION public.populate_full_text_trigger() RETURNS trigger LANGUAGE plpgsql"
                        + " AS $$ BEGIN LOOP BEGIN PERFORM pg_catalog.pg_advisory_xact_lock_shared(" + COPY_GATE + "); EXIT;"
                        + " EXCEPTION WHEN query_canceled THEN NULL; END; END LOOP; RETURN NEW; END $$");
                int known = world.jobCount(rid);
                world.ckan.replaceFile(rid, CsvFiles.large(20_000));
                world.broker().resubmit(rid);
                await("a COPY stream waits at the gate", TIMEOUT, () -> waitingAt(COPY_GATE) >= 1);

                Map<String, String> job = world.awaitNewJobEnded(rid, known, TIMEOUT);
                s.outcome(job.get("status"));
                s.check('b', "the job ends failed: its time was up before its swap",
                        () -> Promises.jobEnded(job, "failed", "INGEST_JOB_TIMEOUT"));
                s.check('c', "with the server still stalled, the load has let go of the resource and dropped its staging table",
                        () -> {
                            await("the resource is free", TIMEOUT, () -> FaultWorld.unchecked(() -> resourceIsFree(rid)));
                            await("no staging table", TIMEOUT, () -> FaultWorld.unchecked(() -> world.stagingTables().isEmpty()));
                        });
                s.check('a', "the live table is the old one", () -> Promises.tableIsTheOldOne(world, rid, Curated.alias(rid), old));
            } finally {
                try (Connection admin = world.datastore.asSuperuser()) {
                    execute(admin, trigger);
                }
            }
            s.faultCleared();
            Map<String, String> again = world.resubmitAndAwait(rid, TIMEOUT);
            s.healed();
            s.check('d', "the next load of the resource completes", () -> Promises.jobEnded(again, "complete", null));
            s.check('c', "nothing is left over", () -> Promises.nothingLeftOver(world, 0));
        });
    }

    @Test
    @Order(2)
    void aJobWhoseTimeIsUpAfterItsSwapFinishesTheLiveTableAndEndsComplete() throws Exception {
        FaultMatrix.scenario("INGEST_JOB_TIMEOUT=15s passes", "after the swap (full-text index build on the live table)", s -> {
            byte[] file = CsvFiles.large(20_000);
            String expected = curated.referenceShape(file, TIMEOUT);
            String rid = curated.resource();
            TableState old = curated.state(rid);
            int known = world.jobCount(rid);
            try (Connection gate = world.datastore.asSuperuser()) {
                execute(gate, "SELECT pg_advisory_lock(" + INDEX_GATE + ")");
                execute(gate, "CREATE FUNCTION public.dpw_fault_index_gate() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN"
                        + " IF pg_catalog.current_query() LIKE '%ON \"public\".%to_tsvector(%' THEN"
                        + " PERFORM pg_catalog.pg_advisory_xact_lock_shared(" + INDEX_GATE + "); END IF; END $$");
                execute(gate, "CREATE EVENT TRIGGER dpw_fault_index_gate ON ddl_command_start WHEN TAG IN ('CREATE INDEX')"
                        + " EXECUTE FUNCTION public.dpw_fault_index_gate()");
                try {
                    Instant submitted = Instant.now();
                    world.ckan.replaceFile(rid, file);
                    world.broker().resubmit(rid);
                    await("a full-text index build on the live table waits at the gate", TIMEOUT,
                            () -> waitingAt(INDEX_GATE) >= 1);
                    await("the job's INGEST_JOB_TIMEOUT passes while it builds", TIMEOUT,
                            () -> Instant.now().isAfter(submitted.plus(JOB_TIMEOUT).plusSeconds(3)));
                    s.check('b', "the job is not ended while it finishes the live table",
                            () -> assertEquals("running", world.newestStatus(rid)));
                } finally {
                    execute(gate, "DROP EVENT TRIGGER dpw_fault_index_gate");
                    execute(gate, "SELECT pg_advisory_unlock(" + INDEX_GATE + ")");
                }
            }
            s.faultCleared();
            Map<String, String> job = world.awaitNewJobEnded(rid, known, TIMEOUT);
            s.healed();
            s.outcome(job.get("status"));
            s.check('b', "the job ends complete, live since its swap", () -> {
                Promises.jobEnded(job, "complete", null);
                assertNotNull(world.jobsQuery("SELECT live_at FROM ingest_job WHERE job_id = '" + job.get("job_id") + "'")
                        .get(0).get("live_at"));
            });
            s.check('a', "the new table is live with all its indexes", () -> Promises.tableIsTheNewOne(world, rid,
                    Curated.alias(rid), old, expected));
            s.check('c', "its marker lists no pending index; nothing is left over", () -> {
                String marker = world.datastore.queryOne("SELECT obj_description('public.\"" + rid + "\"'::regclass, 'pg_class')");
                assertFalse(marker.contains("pending_indexes"), marker);
                Promises.nothingLeftOver(world, 0);
            });
        });
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute(sql);
        }
    }

    private static int waitingAt(long gate) {
        return FaultWorld.unchecked(() -> Integer.parseInt(world.datastore.queryOne("SELECT count(*) FROM pg_locks"
                + " WHERE locktype = 'advisory' AND NOT granted AND classid = 0 AND objid = " + gate)));
    }

    /** Whether another session can take the resource's advisory lock, as the next load of it would. */
    private static boolean resourceIsFree(String rid) throws Exception {
        try (Connection other = world.datastore.asSuperuser(); Statement st = other.createStatement()) {
            var rs = st.executeQuery("SELECT pg_try_advisory_lock(" + DatastoreLoader.advisoryKey(rid) + ")");
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
