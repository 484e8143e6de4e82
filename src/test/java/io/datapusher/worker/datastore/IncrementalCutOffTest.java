package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.formats.CsvAnalyzer;
import io.datapusher.worker.testsupport.LoaderTestBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An incremental load whose DataStore backend is ended (pg_terminate_backend, as when the worker is
 * killed: PostgreSQL rolls back either way) after it wrote every row but before it committed: the
 * table is exactly the old one, and the job's next run, which is the same load again, gets it right.
 * The load is held at its last statement by a lock on 2.12's {@code _table_stats}.
 */
class IncrementalCutOffTest extends LoaderTestBase {

    private Path dir;

    @AfterEach
    void removeFiles() throws Exception {
        if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(dir);
        }
    }

    @Test
    void anAppendCutOffBeforeItsCommitLeavesTheOldTableAndItsRetryAppends() throws Exception {
        dir = Files.createTempDirectory("dpw-cutoff");
        Path before = csv("before", 200, 0);
        Path after = csv("after", 220, 0);
        loader.load(request(before));
        cutOffAndRetry(after, LoadPath.APPEND);
    }

    @Test
    void aKeyedApplyCutOffBeforeItsCommitLeavesTheOldTableAndItsRetryApplies() throws Exception {
        dir = Files.createTempDirectory("dpw-cutoff");
        Path before = csv("before", 200, 0);
        Path after = csv("after", 205, 1);
        loader.load(request(before));
        db.writerExecute("CREATE UNIQUE INDEX " + Sql.quoteIdent(IndexNames.ckanName(rid, "\"id\"")) + " ON "
                + Sql.publicTable(rid) + " (\"id\")");
        cutOffAndRetry(after, LoadPath.KEYED);
    }

    private void cutOffAndRetry(Path file, LoadPath expected) throws Exception {
        db.writerExecute("CREATE TABLE public._table_stats (resource_id text PRIMARY KEY, stats jsonb)");
        List<String> old = table();
        IncrementalLoad incremental = new IncrementalLoad(DatastoreConnections.fromCkanUrl(db.writeUrl()), 0.2);
        LoadRequest request = request(file);
        CompletableFuture<IncrementalLoad.Outcome> running;
        try (Connection blocker = db.asSuperuser(); Statement st = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            st.execute("LOCK TABLE public._table_stats IN ACCESS EXCLUSIVE MODE");
            running = CompletableFuture.supplyAsync(() -> {
                try {
                    return incremental.tryLoad(request, false);
                } catch (LoadException e) {
                    throw new IllegalStateException(e);
                }
            });
            String pid = waitForBlockedBackend();
            db.query("SELECT pg_terminate_backend(" + pid + ")");
            Exception failure = assertThrows(Exception.class, () -> running.get(30, TimeUnit.SECONDS));
            assertTrue(String.valueOf(failure.getCause()).contains("unavailable"), String.valueOf(failure));
            blocker.rollback();
        }
        assertEquals(old, table(), "the cut-off load left the table exactly as it was");

        IncrementalLoad.Outcome retry = incremental.tryLoad(request(file), false);
        assertEquals(expected, retry.path(), retry.reason());
        String reloaded = UUID.randomUUID().toString();
        new DatastoreLoader(DatastoreConnections.fromCkanUrl(db.writeUrl()), LoaderSettings.defaults())
                .load(new LoadRequest(reloaded, "full", "h", new CsvAnalyzer().analyze(file), CkanVersion.of(2, 10)));
        assertEquals(rows(reloaded), rows(rid), "the retry's table is the full reload's");
        assertEquals(db.queryOne("SELECT count(*) FROM " + Sql.publicTable(rid)),
                db.queryOne("SELECT stats->>'rows' FROM public._table_stats WHERE resource_id = '" + rid + "'"));
    }

    private String waitForBlockedBackend() throws Exception {
        Instant until = Instant.now().plus(Duration.ofSeconds(30));
        while (Instant.now().isBefore(until)) {
            List<String> pids = db.query("SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    + " AND query LIKE '%_table_stats%' AND datname = current_database()");
            if (!pids.isEmpty()) {
                return pids.get(0);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the incremental load never reached its last statement");
    }

    private List<String> table() throws Exception {
        return db.query("SELECT t::text FROM " + Sql.publicTable(rid) + " t ORDER BY \"_id\"");
    }

    private List<String> rows(String table) throws Exception {
        return db.query("SELECT ROW(\"_full_text\", id, name, amount)::text FROM " + Sql.publicTable(table) + " ORDER BY 1");
    }

    private LoadRequest request(Path file) throws Exception {
        Analysis analysis = new CsvAnalyzer().analyze(file);
        return new LoadRequest(rid, UUID.randomUUID().toString(), "h-" + file.getFileName(), analysis, CkanVersion.of(2, 10));
    }

    /** Rows 1..rows; with {@code changed}, every tenth row's name differs and row 3 is gone. */
    private Path csv(String name, int rows, int changed) throws Exception {
        StringBuilder text = new StringBuilder("id,name,amount\n");
        for (int i = 1; i <= rows; i++) {
            if (changed > 0 && i == 3) {
                continue;
            }
            text.append(i).append(',').append(changed > 0 && i % 10 == 0 ? "renamed " : "name ").append(i).append(',')
                    .append(i * 3).append(".25\n");
        }
        Path file = dir.resolve(name + ".csv");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
