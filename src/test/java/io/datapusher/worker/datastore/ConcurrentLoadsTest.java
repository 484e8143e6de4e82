package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.testsupport.LoaderTestBase;
import io.datapusher.worker.testsupport.TestAnalysis;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two replicas loading the same resource at once: the advisory lock serialises them, neither fails
 * with "already exists" or a deadlock, and the newer file wins whichever order they run in.
 */
class ConcurrentLoadsTest extends LoaderTestBase {

    private static final Instant OLDER = Instant.parse("2026-01-01T10:00:00Z");
    private static final Instant NEWER = Instant.parse("2026-01-01T10:05:00Z");

    /** Rows numbered from {@code first}; the first row waits until {@code release} opens. */
    private static Analysis rows(int first, int count, CountDownLatch started, CountDownLatch release) {
        TestAnalysis builder = TestAnalysis.builder().column("n", "n", ColumnType.INTEGER).onRow((index, out) -> {
            if (index == 0) {
                started.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        for (int i = 0; i < count; i++) {
            builder.row(String.valueOf(first + i));
        }
        return builder.build();
    }

    private CompletableFuture<LoadResult> loadAsync(String job, Instant createdAt, Analysis analysis) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return loader.load(new LoadRequest(rid, job, "hash-" + job, analysis, CkanVersion.of(2, 11), createdAt));
            } catch (LoadException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The second load has reached the resource's advisory lock and is queued behind the first. */
    private void awaitALoadWaitingForTheResourceLock() {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> !"0".equals(
                db.queryOne("SELECT count(*) FROM pg_catalog.pg_locks WHERE locktype = 'advisory' AND NOT granted"
                        + " AND database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())")));
    }

    @Test
    void theNewerJobWaitsForTheOlderAndThenReplacesIt() throws Exception {
        CountDownLatch olderStarted = new CountDownLatch(1);
        CountDownLatch releaseOlder = new CountDownLatch(1);
        CompletableFuture<LoadResult> older = loadAsync("older", OLDER, rows(0, 3, olderStarted, releaseOlder));
        assertTrue(olderStarted.await(20, TimeUnit.SECONDS), "the older load is inside COPY");
        CompletableFuture<LoadResult> newer = loadAsync("newer", NEWER, rows(100, 5, new CountDownLatch(1), new CountDownLatch(0)));

        awaitALoadWaitingForTheResourceLock();
        assertTrue(!newer.isDone(), "the newer load waits for the advisory lock");
        releaseOlder.countDown();

        assertEquals(3, older.get(30, TimeUnit.SECONDS).rows());
        assertEquals(5, newer.get(30, TimeUnit.SECONDS).rows());
        assertEquals("5", db.queryOne("SELECT count(*) FROM \"" + rid + "\""));
        assertEquals("newer", loader.describe(rid).orElseThrow().marker().orElseThrow().jobId());
        assertEquals("0", db.queryOne("SELECT count(*) FROM pg_class WHERE relname LIKE 'dpw\\_%'"), "no staging table left");
    }

    @Test
    void theOlderJobArrivingSecondIsSupersededWithoutError() throws Exception {
        CountDownLatch newerStarted = new CountDownLatch(1);
        CountDownLatch releaseNewer = new CountDownLatch(1);
        CompletableFuture<LoadResult> newer = loadAsync("newer", NEWER, rows(100, 5, newerStarted, releaseNewer));
        assertTrue(newerStarted.await(20, TimeUnit.SECONDS));
        CompletableFuture<LoadResult> older = loadAsync("older", OLDER, rows(0, 3, new CountDownLatch(1), new CountDownLatch(0)));
        awaitALoadWaitingForTheResourceLock();
        releaseNewer.countDown();

        assertEquals(5, newer.get(30, TimeUnit.SECONDS).rows());
        ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> older.get(30, TimeUnit.SECONDS));
        assertInstanceOf(SupersededException.class, failure.getCause().getCause());
        assertEquals("5", db.queryOne("SELECT count(*) FROM \"" + rid + "\""));
        assertEquals("newer", loader.describe(rid).orElseThrow().marker().orElseThrow().jobId());
    }
}
