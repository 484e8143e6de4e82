package io.datapusher.worker.datastore;

import io.datapusher.worker.testsupport.LoaderTestBase;
import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.testsupport.CatalogSnapshot;
import io.datapusher.worker.testsupport.TestAnalysis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every way a reload can fail must leave the live table, its dictionary, indexes and views exactly as they were. */
class FailedLoadChangesNothingTest extends LoaderTestBase {

    private String table;
    private String before;

    @BeforeEach
    void setUp() throws Exception {
        table = "\"" + rid + "\"";
        loader.load(new LoadRequest(rid, "job-1", "hash-1", TestAnalysis.builder()
                .column("name", "Name", ColumnType.TEXT)
                .column("amount", "Amount", ColumnType.INTEGER)
                .row("a", "1")
                .row("b", "2")
                .build(), CkanVersion.of(2, 11)));
        db.writerExecute(
                "COMMENT ON COLUMN " + table + ".\"amount\" IS ' {\"_info\":{\"label\":\"Amount\",\"notes\":\"in EUR\",\"type_override\":\"numeric\"}}'",
                "CREATE VIEW \"the-alias\" AS SELECT * FROM " + table,
                "CREATE VIEW \"amounts\" AS SELECT amount FROM " + table,
                "CREATE UNIQUE INDEX \"" + IndexNames.ckanName(rid, "\"name\"") + "\" ON " + table + " (\"name\")");
        before = CatalogSnapshot.of(db, rid);
    }

    @Test
    void dataContradictingTypeOverrideFailsNamingColumnValueAndLine() throws Exception {
        LoadException e = assertThrows(LoadException.class, () -> loader.load(new LoadRequest(rid, "job-2", "hash-2",
                TestAnalysis.builder()
                        .column("name", "Name", ColumnType.TEXT)
                        .textColumn("amount", "Amount", "n/a", 7)
                        .row("c", "n/a")
                        .build(), CkanVersion.of(2, 11))));

        assertTrue(e.getMessage().startsWith("column \"amount\": value \"n/a\" on line 7 does not fit its type_override numeric"),
                e.getMessage());
        System.out.println("load failed as expected: " + e.getMessage());
        assertUnchanged();
    }

    @Test
    void valuePostgresRejectsDuringCopyFailsNamingTheRecord() throws Exception {
        LoadException e = assertThrows(LoadException.class, () -> loader.load(new LoadRequest(rid, "job-2", "hash-2",
                TestAnalysis.builder()
                        .column("name", "Name", ColumnType.TEXT)
                        .column("amount", "Amount", ColumnType.INTEGER)
                        .row("c", "3")
                        .row("d", "not a number")
                        .build(), CkanVersion.of(2, 11))));

        assertTrue(e.getMessage().contains("record 2"), e.getMessage());
        assertTrue(e.getMessage().contains("column \"amount\""), e.getMessage());
        assertTrue(e.getMessage().contains("invalid input syntax for type numeric"), e.getMessage());
        System.out.println("load failed as expected: " + e.getMessage());
        assertUnchanged();
    }

    @Test
    void newDataViolatingTheLiveUniqueIndexFails() throws Exception {
        LoadException e = assertThrows(LoadException.class, () -> loader.load(new LoadRequest(rid, "job-2", "hash-2",
                TestAnalysis.builder()
                        .column("name", "Name", ColumnType.TEXT)
                        .column("amount", "Amount", ColumnType.INTEGER)
                        .row("same", "1")
                        .row("same", "2")
                        .build(), CkanVersion.of(2, 11))));

        assertTrue(e.getMessage().contains("violates the unique index " + IndexNames.ckanName(rid, "\"name\"")), e.getMessage());
        assertTrue(e.getMessage().contains("(name)=(same)"), e.getMessage());
        System.out.println("load failed as expected: " + e.getMessage());
        assertUnchanged();
    }

    @Test
    void viewThatCannotBeRecreatedFailsNamingIt() throws Exception {
        LoadException e = assertThrows(LoadException.class, () -> loader.load(new LoadRequest(rid, "job-2", "hash-2",
                TestAnalysis.builder()
                        .column("name", "Name", ColumnType.TEXT)
                        .row("c")
                        .build(), CkanVersion.of(2, 11))));

        assertTrue(e.getMessage().contains("the view public.amounts"), e.getMessage());
        System.out.println("load failed as expected: " + e.getMessage());
        assertUnchanged();
    }

    @Test
    void aMaterializedViewOnTheTableFailsNamingIt() throws Exception {
        db.writerExecute("CREATE MATERIALIZED VIEW \"totals\" AS SELECT sum(amount) AS total FROM " + table);
        before = CatalogSnapshot.of(db, rid);

        LoadException e = assertThrows(LoadException.class, () -> loader.load(new LoadRequest(rid, "job-2", "hash-2",
                TestAnalysis.builder()
                        .column("name", "Name", ColumnType.TEXT)
                        .column("amount", "Amount", ColumnType.INTEGER)
                        .row("c", "3")
                        .build(), CkanVersion.of(2, 11))));

        assertTrue(e.getMessage().startsWith("the materialized view public.totals depends on the live table"), e.getMessage());
        assertUnchanged();
        assertEquals("3", db.queryOne("SELECT total FROM \"totals\""), "the materialized view still holds its data");
    }

    @Test
    void fileThatCannotBeReadAgainFails() throws Exception {
        TestAnalysis failing = TestAnalysis.builder()
                .column("name", "Name", ColumnType.TEXT)
                .column("amount", "Amount", ColumnType.INTEGER)
                .row("c", "3")
                .row("d", "4")
                .onRow((row, out) -> {
                    if (row == 1) {
                        throw new IOException("disk went away");
                    }
                });
        LoadException e = assertThrows(LoadException.class,
                () -> loader.load(new LoadRequest(rid, "job-2", "hash-2", failing.build(), CkanVersion.of(2, 11))));

        assertTrue(e.getMessage().contains("disk went away"), e.getMessage());
        System.out.println("load failed as expected: " + e.getMessage());
        assertUnchanged();
    }

    @Test
    void cancelledLoadFailsAndChangesNothing() throws Exception {
        TestAnalysis slow = TestAnalysis.builder()
                .column("name", "Name", ColumnType.TEXT)
                .column("amount", "Amount", ColumnType.INTEGER)
                .onRow((row, out) -> {
                    if (row == 1) {
                        out.flush();
                        assertTrue(loader.cancel("job-2"));
                    }
                });
        for (int i = 0; i < 1000; i++) {
            slow.row("r" + i, Integer.toString(i));
        }
        LoadException e = assertThrows(LoadException.class,
                () -> loader.load(new LoadRequest(rid, "job-2", "hash-2", slow.build(), CkanVersion.of(2, 11))));

        assertTrue(e.getMessage().contains("cancelled"), e.getMessage());
        System.out.println("load failed as expected: " + e.getMessage());
        assertUnchanged();
    }

    private void assertUnchanged() throws Exception {
        assertEquals(before, CatalogSnapshot.of(db, rid));
        assertEquals("0", db.queryOne("SELECT count(*) FROM pg_class WHERE relname LIKE 'dpw\\_%'"));
    }
}
