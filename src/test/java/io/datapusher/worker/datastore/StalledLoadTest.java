package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.testsupport.DatastoreTestDatabase;
import io.datapusher.worker.testsupport.TestAnalysis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A staged load ends, frees its resource and drops its staging table whatever PostgreSQL does: when
 * its COPY streams stall, when the server ignores its cancel, when a role's timeouts would end its
 * sessions; and a deadline that passes after its swap does not stop it half-way.
 *
 * <p>The stalls are made in the server: the DataStore's full-text trigger function (or an event
 * trigger on {@code CREATE INDEX}) waits for an advisory lock that the test holds, the gate.
 */
class StalledLoadTest {

    private static final long COPY_GATE = 77_001;
    private static final long INDEX_GATE = 77_002;
    /** Rows (each a chunk) bigger than what a socket's buffers take in while the server reads nothing. */
    private static final int HUGE_ROW_CHARS = 8 << 20;
    /** A chunk stuck in each of the two streams and a full queue of four: the file ends as they stall. */
    private static final int HUGE_ROWS = 6;
    /** Longer than the 5 s the old hand-off of each end marker waited for room in the queue. */
    private static final Duration LONG_STALL = Duration.ofSeconds(11);
    private static final Duration BOUND = Duration.ofSeconds(60);

    private final String rid = UUID.randomUUID().toString();
    private DatastoreTestDatabase db;
    private Connection gateHolder;

    @BeforeEach
    void createDatastore() throws Exception {
        db = new DatastoreTestDatabase();
        gateHolder = db.asSuperuser();
    }

    @AfterEach
    void dropDatastore() throws Exception {
        gateHolder.close();
        db.close();
    }

    @Test
    void aLoadWhoseStreamsStallWhileTheQueueIsFullAtTheEndOfTheFileEndsWhenTheyResume() throws Exception {
        gateTheCopyBeforeItReads();
        close(COPY_GATE);
        CompletableFuture<LoadResult> load = start(loader(2), request("job-1", hugeRows(), null));
        await("both COPY streams wait at the gate").atMost(BOUND).until(() -> waitingAt(COPY_GATE) == 2);

        await("the stall outlasts the old hand-off of the end markers").during(LONG_STALL).atMost(LONG_STALL.multipliedBy(2))
                .until(() -> !load.isDone() && waitingAt(COPY_GATE) == 2);
        open(COPY_GATE);

        await("the load ends").atMost(BOUND).until(load::isDone);
        assertEquals(HUGE_ROWS, load.get().rows());
        assertEquals(String.valueOf(HUGE_ROWS), db.queryOne("SELECT count(*) FROM \"" + rid + "\""));
        assertTrue(resourceIsFree());
        assertEquals(List.of(), stagingTables());
    }

    @Test
    void aCancelledLoadWhoseServerIgnoresTheCancelEndsFreesItsResourceAndDropsItsStagingTable() throws Exception {
        gateTheCopy(true);
        close(COPY_GATE);
        DatastoreLoader loader = loader(2);
        CompletableFuture<LoadResult> load = start(loader, request("job-1", hugeRows(), null));
        await("both COPY streams wait at the gate").atMost(BOUND).until(() -> waitingAt(COPY_GATE) == 2);

        assertTrue(loader.cancel("job-1"));

        await("the load ends although PostgreSQL never answers the cancel").atMost(BOUND).until(load::isDone);
        ExecutionException e = assertThrows(ExecutionException.class, load::get);
        assertInstanceOf(LoadException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("nothing was changed"), e.getCause().getMessage());
        assertTrue(resourceIsFree());
        await("the staging table is dropped").atMost(BOUND).until(() -> stagingTables().isEmpty());
        assertEquals("0", db.queryOne("SELECT count(*) FROM pg_class WHERE relname = '" + rid + "'"));
    }

    @Test
    void aLoadWhoseDeadlinePassesBeforeItsSwapFailsForThatReasonAndNotAsAnOutage() throws Exception {
        gateTheCopy(true);
        close(COPY_GATE);
        CompletableFuture<LoadResult> load = start(loader(2), request("job-1", hugeRows(), Instant.now().plusSeconds(3)));

        await("the load ends although PostgreSQL never answers the cancel").atMost(BOUND).until(load::isDone);
        ExecutionException e = assertThrows(ExecutionException.class, load::get);
        LoadException failure = assertInstanceOf(LoadException.class, e.getCause());
        assertTrue(failure.getMessage().contains("INGEST_JOB_TIMEOUT"), failure.getMessage());
        assertFalse(failure.isTransient(), "a job retried as after an outage would only run out of time again");
        assertTrue(resourceIsFree());
        await("the staging table is dropped").atMost(BOUND).until(() -> stagingTables().isEmpty());
    }

    @Test
    void theWriteRolesOwnTimeoutsEndNeitherALongLoadNorTheSessionThatHoldsItsResource() throws Exception {
        try (Statement st = gateHolder.createStatement()) {
            for (String timeout : List.of("statement_timeout", "idle_session_timeout", "idle_in_transaction_session_timeout")) {
                st.execute("ALTER ROLE \"" + db.writeUser() + "\" IN DATABASE \"" + db.database() + "\" SET " + timeout + " = '1s'");
            }
        }
        gateTheCopy(false);
        close(COPY_GATE);
        CompletableFuture<LoadResult> load = start(loader(2), request("job-1", smallRows(300), null));
        await("a COPY stream waits at the gate").atMost(BOUND).until(() -> waitingAt(COPY_GATE) >= 1);

        await("the resource stays held well past the role's timeouts").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> !load.isDone() && !resourceIsFree());
        open(COPY_GATE);

        assertEquals(300, load.get(BOUND.toSeconds(), TimeUnit.SECONDS).rows());
        assertEquals("300", db.queryOne("SELECT count(*) FROM \"" + rid + "\""));
        assertTrue(resourceIsFree());
    }

    @Test
    void aDeadlineThatPassesAfterTheSwapLetsTheLoadBuildItsFullTextIndexesOnTheLiveTable() throws Exception {
        gateIndexesOnTheLiveTable();
        close(INDEX_GATE);
        // a first load of a few rows swaps within a second; the deadline falls while it builds on the live table
        Instant deadline = Instant.now().plusSeconds(5);
        CompletableFuture<LoadResult> load = start(loader(2), request("job-1", smallRows(300), deadline));
        await("an index build on the live table waits at the gate").atMost(BOUND).until(() -> waitingAt(INDEX_GATE) >= 1);
        assertEquals("300", db.queryOne("SELECT count(*) FROM public.\"" + rid + "\""));

        await("the deadline passes while the build waits").atMost(BOUND)
                .until(() -> Instant.now().isAfter(deadline.plusSeconds(1)) && !load.isDone());
        open(INDEX_GATE);

        LoadResult result = load.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertFalse(result.indexesPending());
        DatastoreLoader reader = loader(2);
        assertTrue(reader.describe(rid).orElseThrow().marker().orElseThrow().pendingIndexes().isEmpty());
        for (String column : List.of("name", "note", "place", "remark")) {
            String index = IndexNames.ckanName(rid, IndexNames.ftsFields("english", column, ColumnType.TEXT));
            assertEquals("1", db.queryOne("SELECT count(*) FROM pg_indexes WHERE indexname = '" + index + "'"), index);
        }
        assertTrue(resourceIsFree());
    }

    @Test
    void completingPendingIndexesStopsWhenTheJobIsCancelled() throws Exception {
        DatastoreLoader loader = loader(2);
        loader.load(request("job-1", smallRows(100), null));
        String nameIndex = IndexNames.ckanName(rid, IndexNames.ftsFields("english", "name", ColumnType.TEXT));
        String marker = db.queryOne("SELECT obj_description('\"" + rid + "\"'::regclass, 'pg_class')");
        db.writerExecute("DROP INDEX \"" + nameIndex + "\"",
                "COMMENT ON TABLE \"" + rid + "\" IS " + Sql.quoteLiteral(marker.replace("}}",
                        ",\"pending_indexes\":{\"" + nameIndex + "\":\"USING gist (to_tsvector('english', \\\"name\\\"))\"}}}")));
        gateIndexesOnTheLiveTable();
        close(INDEX_GATE);
        CompletableFuture<Integer> completing = CompletableFuture.supplyAsync(() -> {
            try {
                return loader.completePendingIndexes(rid, "job-1");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await("the index build waits at the gate").atMost(BOUND).until(() -> waitingAt(INDEX_GATE) >= 1);

        assertTrue(loader.cancel("job-1"));

        await("it ends").atMost(BOUND).until(completing::isDone);
        assertThrows(ExecutionException.class, completing::get);
        assertTrue(resourceIsFree());
        assertFalse(loader.describe(rid).orElseThrow().marker().orElseThrow().pendingIndexes().isEmpty());
    }

    /**
     * The full-text trigger function waits at the COPY gate on every row; {@code ignoringCancels}
     * makes it swallow a cancel and wait again, as a server that never answers one would.
     */
    private void gateTheCopy(boolean ignoringCancels) throws SQLException {
        String wait = "PERFORM pg_catalog.pg_advisory_xact_lock_shared(" + COPY_GATE + ");";
        String body = ignoringCancels
                ? "LOOP BEGIN " + wait + " EXIT; EXCEPTION WHEN query_canceled THEN NULL; END; END LOOP;"
                : wait;
        try (Statement st = gateHolder.createStatement()) {
            st.execute("CREATE OR REPLACE FUNCTION public.populate_full_text_trigger() RETURNS trigger LANGUAGE plpgsql AS $$"
                    + " BEGIN " + body + " RETURN NEW; END $$");
        }
    }

    /**
     * Each COPY into a staging table waits at the COPY gate before the server reads any of its data,
     * in a statement trigger added to the table as the load creates it.
     */
    private void gateTheCopyBeforeItReads() throws SQLException {
        try (Statement st = gateHolder.createStatement()) {
            st.execute("CREATE FUNCTION public.dpw_test_copy_gate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " PERFORM pg_catalog.pg_advisory_xact_lock_shared(" + COPY_GATE + "); RETURN NULL; END $$");
            st.execute("CREATE FUNCTION public.dpw_test_add_copy_gate() RETURNS event_trigger LANGUAGE plpgsql AS $$"
                    + " DECLARE c record; BEGIN"
                    + " FOR c IN SELECT t.tgrelid::regclass AS tbl FROM pg_catalog.pg_event_trigger_ddl_commands() d"
                    + "  JOIN pg_catalog.pg_trigger t ON t.oid = d.objid JOIN pg_catalog.pg_class r ON r.oid = t.tgrelid"
                    + "  JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace"
                    + "  WHERE d.object_type = 'trigger' AND t.tgname = 'zfulltext' AND n.nspname = 'datapusher_staging' LOOP"
                    + " EXECUTE format('CREATE TRIGGER dpw_test_copy_gate BEFORE INSERT ON %s FOR EACH STATEMENT"
                    + " EXECUTE FUNCTION public.dpw_test_copy_gate()', c.tbl);"
                    + " END LOOP; END $$");
            st.execute("CREATE EVENT TRIGGER dpw_test_add_copy_gate ON ddl_command_end WHEN TAG IN ('CREATE TRIGGER')"
                    + " EXECUTE FUNCTION public.dpw_test_add_copy_gate()");
        }
    }

    /** Every {@code CREATE INDEX} on a table in public waits at the index gate. */
    private void gateIndexesOnTheLiveTable() throws SQLException {
        try (Statement st = gateHolder.createStatement()) {
            st.execute("CREATE FUNCTION public.dpw_test_index_gate() RETURNS event_trigger LANGUAGE plpgsql AS $$ BEGIN"
                    + " IF pg_catalog.current_query() LIKE '%ON \"public\".%' THEN"
                    + " PERFORM pg_catalog.pg_advisory_xact_lock_shared(" + INDEX_GATE + "); END IF; END $$");
            st.execute("CREATE EVENT TRIGGER dpw_test_index_gate ON ddl_command_start WHEN TAG IN ('CREATE INDEX')"
                    + " EXECUTE FUNCTION public.dpw_test_index_gate()");
        }
    }

    private void close(long gate) throws SQLException {
        try (Statement st = gateHolder.createStatement()) {
            st.execute("SELECT pg_advisory_lock(" + gate + ")");
        }
    }

    private void open(long gate) throws SQLException {
        try (Statement st = gateHolder.createStatement()) {
            st.execute("SELECT pg_advisory_unlock(" + gate + ")");
        }
    }

    private int waitingAt(long gate) throws SQLException {
        return Integer.parseInt(db.queryOne("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                + " AND classid = 0 AND objid = " + gate));
    }

    /** Whether another session can take the resource's advisory lock, as the next load of it would. */
    private boolean resourceIsFree() throws SQLException {
        try (Connection other = db.asSuperuser();
             PreparedStatement lock = other.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
            lock.setLong(1, DatastoreLoader.advisoryKey(rid));
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private List<String> stagingTables() throws SQLException {
        return db.query("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = 'datapusher_staging' ORDER BY 1");
    }

    private static CompletableFuture<LoadResult> start(DatastoreLoader loader, LoadRequest request) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return loader.load(request);
            } catch (LoadException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
    }

    private DatastoreLoader loader(int parallelism) {
        return new DatastoreLoader(DatastoreConnections.fromCkanUrl(db.writeUrl()),
                LoaderSettings.defaults().withParallelism(parallelism));
    }

    private LoadRequest request(String jobId, Analysis analysis, Instant deadline) {
        return new LoadRequest(rid, jobId, "hash-" + jobId, analysis, CkanVersion.of(2, 11), null, ResourceCheck.NONE, deadline);
    }

    private static Analysis hugeRows() {
        TestAnalysis analysis = TestAnalysis.builder().column("blob", "Blob", ColumnType.TEXT);
        String blob = "x".repeat(HUGE_ROW_CHARS);
        for (int i = 0; i < HUGE_ROWS; i++) {
            analysis.row(blob);
        }
        return analysis.build();
    }

    /** Four text columns, so that the load builds some full-text indexes on the live table after its swap. */
    private static Analysis smallRows(int count) {
        TestAnalysis analysis = TestAnalysis.builder()
                .column("name", "Name", ColumnType.TEXT)
                .column("note", "Note", ColumnType.TEXT)
                .column("place", "Place", ColumnType.TEXT)
                .column("remark", "Remark", ColumnType.TEXT);
        for (int i = 0; i < count; i++) {
            analysis.row("river " + i, "lake " + (i % 7), "station " + (i % 13), "north " + (i % 3));
        }
        return analysis.build();
    }
}
