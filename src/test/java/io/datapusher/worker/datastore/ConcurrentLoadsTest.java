package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.testsupport.LoaderTestBase;
import io.datapusher.worker.testsupport.TestAnalysis;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two replicas loading the same resource at once: the advisory lock serialises them. The second is
 * refused at once, changing nothing, so that its job is handed back and runs after the first; the
 * newer file wins whichever order they run in.
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

    /** What a load started now ends in while another holds the resource: refused at once, nothing changed. */
    private void assertHandedBack(String job, Instant createdAt, int first, int count) throws Exception {
        ExecutionException busy = assertThrows(ExecutionException.class,
                () -> loadAsync(job, createdAt, rows(first, count, new CountDownLatch(1), new CountDownLatch(0)))
                        .get(20, TimeUnit.SECONDS));
        assertInstanceOf(ResourceBusyException.class, busy.getCause().getCause());
        assertEquals("another load of this resource is running; this one runs after it", busy.getCause().getCause().getMessage());
    }

    @Test
    void theNewerJobIsHandedBackWhileTheOlderRunsAndThenReplacesIt() throws Exception {
        CountDownLatch olderStarted = new CountDownLatch(1);
        CountDownLatch releaseOlder = new CountDownLatch(1);
        CompletableFuture<LoadResult> older = loadAsync("older", OLDER, rows(0, 3, olderStarted, releaseOlder));
        assertTrue(olderStarted.await(20, TimeUnit.SECONDS), "the older load is inside COPY");

        assertHandedBack("newer", NEWER, 100, 5);
        releaseOlder.countDown();
        assertEquals(3, older.get(30, TimeUnit.SECONDS).rows());

        // the message comes back: the newer file is loaded after the older one
        assertEquals(5, loadAsync("newer", NEWER, rows(100, 5, new CountDownLatch(1), new CountDownLatch(0)))
                .get(30, TimeUnit.SECONDS).rows());
        assertEquals("5", db.queryOne("SELECT count(*) FROM \"" + rid + "\""));
        assertEquals("newer", loader.describe(rid).orElseThrow().marker().orElseThrow().jobId());
        assertEquals("0", db.queryOne("SELECT count(*) FROM pg_class WHERE relname LIKE 'dpw\\_%'"), "no staging table left");
    }

    @Test
    void theNewerJobIsHandedBackByALoadInOneTransactionToo() throws Exception {
        loader = new DatastoreLoader(DatastoreConnections.fromCkanUrl(db.writeUrl()), LoaderSettings.defaults().withParallelism(1));
        CountDownLatch olderStarted = new CountDownLatch(1);
        CountDownLatch releaseOlder = new CountDownLatch(1);
        CompletableFuture<LoadResult> older = loadAsync("older", OLDER, rows(0, 3, olderStarted, releaseOlder));
        assertTrue(olderStarted.await(20, TimeUnit.SECONDS), "the older load is inside COPY");

        assertHandedBack("newer", NEWER, 100, 5);
        releaseOlder.countDown();

        assertEquals(3, older.get(30, TimeUnit.SECONDS).rows());
    }

    @Test
    void theOlderJobArrivingSecondIsHandedBackThenSupersededWithoutError() throws Exception {
        CountDownLatch newerStarted = new CountDownLatch(1);
        CountDownLatch releaseNewer = new CountDownLatch(1);
        CompletableFuture<LoadResult> newer = loadAsync("newer", NEWER, rows(100, 5, newerStarted, releaseNewer));
        assertTrue(newerStarted.await(20, TimeUnit.SECONDS));

        assertHandedBack("older", OLDER, 0, 3);
        releaseNewer.countDown();
        assertEquals(5, newer.get(30, TimeUnit.SECONDS).rows());

        ExecutionException failure = assertThrows(ExecutionException.class,
                () -> loadAsync("older", OLDER, rows(0, 3, new CountDownLatch(1), new CountDownLatch(0))).get(30, TimeUnit.SECONDS));
        assertInstanceOf(SupersededException.class, failure.getCause().getCause());
        assertEquals("5", db.queryOne("SELECT count(*) FROM \"" + rid + "\""));
        assertEquals("newer", loader.describe(rid).orElseThrow().marker().orElseThrow().jobId());
    }
}
