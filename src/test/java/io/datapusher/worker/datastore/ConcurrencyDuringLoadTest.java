package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.testsupport.CatalogSnapshot;
import io.datapusher.worker.testsupport.DatastoreTestDatabase;
import io.datapusher.worker.testsupport.TestAnalysis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What other sessions do while a load runs: curators edit, readers read. */
class ConcurrencyDuringLoadTest {

    private DatastoreTestDatabase db;
    private final String rid = UUID.randomUUID().toString();
    private String table;

    @BeforeEach
    void setUp() throws Exception {
        db = new DatastoreTestDatabase();
        table = "\"" + rid + "\"";
        loader(LoaderSettings.defaults()).load(new LoadRequest(rid, "job-1", "hash-1", TestAnalysis.builder()
                .column("name", "Name", ColumnType.TEXT)
                .row("old-1")
                .row("old-2")
                .build(), CkanVersion.of(2, 10)));
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    private DatastoreLoader loader(LoaderSettings settings) {
        return new DatastoreLoader(DatastoreConnections.fromCkanUrl(db.writeUrl()), settings);
    }

    private TestAnalysis newRows() {
        return TestAnalysis.builder()
                .column("name", "Name", ColumnType.TEXT)
                .row("new-1")
                .row("new-2")
                .row("new-3");
    }

    @Test
    void curatorEditMadeWhileCopyIsRunningSurvivesTheSwap() throws Exception {
        String edited = "{\"label\": \"Edited during the load\", \"notes\": \"kept\"}";
        TestAnalysis analysis = newRows().onRow((row, out) -> {
            if (row == 1) {
                try {
                    db.writerExecute("COMMENT ON COLUMN " + table + ".\"name\" IS " + Sql.quoteLiteral(edited),
                            "CREATE VIEW \"late-alias\" AS SELECT * FROM " + table);
                } catch (SQLException e) {
                    throw new UncheckedIOException(new java.io.IOException(e));
                }
            }
        });

        loader(LoaderSettings.defaults()).load(new LoadRequest(rid, "job-2", "hash-2", analysis.build(), CkanVersion.of(2, 10)));

        assertEquals(edited, db.queryOne("SELECT col_description('" + table + "'::regclass, 3)"));
        assertEquals(List.of("new-1", "new-2", "new-3"), db.query("SELECT name FROM \"late-alias\" ORDER BY 1"));
    }

    @Test
    void swapWaitsForAReaderAndCompletesWhenItCommits() throws Exception {
        try (Connection reader = db.asReader()) {
            reader.setAutoCommit(false);
            assertEquals(List.of("2"), DatastoreTestDatabase.query(reader, "SELECT count(*) FROM " + table));
            CompletableFuture<Void> release = CompletableFuture.runAsync(() -> {
                try {
                    reader.commit();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, CompletableFuture.delayedExecutor(3, TimeUnit.SECONDS));

            LoadResult result = loader(LoaderSettings.defaults())
                    .load(new LoadRequest(rid, "job-2", "hash-2", newRows().build(), CkanVersion.of(2, 10)));
            release.get(10, TimeUnit.SECONDS);

            assertTrue(result.swapAttempts() >= 2, "attempts " + result.swapAttempts());
            assertTrue(result.swapMillis() >= 2500, "swap took " + result.swapMillis() + " ms");
            assertEquals(List.of("3"), DatastoreTestDatabase.query(reader, "SELECT count(*) FROM " + table));
        }
    }

    @Test
    void readerThatNeverEndsMakesTheLoadGiveUpAfterTheBudgetAndChangesNothing() throws Exception {
        String before = CatalogSnapshot.of(db, rid);
        LoaderSettings impatient = LoaderSettings.defaults().withSwapBudget(Duration.ofSeconds(3))
                .withSwapLockTimeout(Duration.ofSeconds(1));
        try (Connection reader = db.asReader(); Statement st = reader.createStatement()) {
            reader.setAutoCommit(false);
            st.executeQuery("SELECT count(*) FROM " + table).close();

            long start = System.nanoTime();
            LoadException e = assertThrows(LoadException.class, () -> loader(impatient)
                    .load(new LoadRequest(rid, "job-2", "hash-2", newRows().build(), CkanVersion.of(2, 10))));
            long waitedMillis = (System.nanoTime() - start) / 1_000_000;

            assertEquals("the live table stayed locked by readers for more than 3 s; nothing was changed", e.getMessage());
            assertTrue(waitedMillis >= 2500 && waitedMillis < 10_000, "waited " + waitedMillis + " ms");
            reader.rollback();
        }
        assertEquals(before, CatalogSnapshot.of(db, rid));
        assertEquals("0", db.queryOne("SELECT count(*) FROM pg_class WHERE relname LIKE 'dpw\\_%'"));
    }

    @Test
    void readersSeeTheOldTableWholeUntilTheCommit() throws Exception {
        TestAnalysis analysis = newRows().onRow((row, out) -> {
            if (row == 2) {
                try (Connection reader = db.asReader()) {
                    // Mid-load, a reader still sees the old table, whole.
                    assertEquals(List.of("2"), DatastoreTestDatabase.query(reader, "SELECT count(*) FROM " + table));
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        loader(LoaderSettings.defaults()).load(new LoadRequest(rid, "job-2", "hash-2", analysis.build(), CkanVersion.of(2, 10)));
        try (Connection reader = db.asReader()) {
            assertEquals(List.of("3"), DatastoreTestDatabase.query(reader, "SELECT count(*) FROM " + table));
        }
    }
}
