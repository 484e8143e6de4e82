package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.testsupport.CatalogSnapshot;
import io.datapusher.worker.testsupport.DatastoreTestDatabase;
import io.datapusher.worker.testsupport.TestAnalysis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What CKAN does to the live table while a reload runs (datastore_create adds a primary_key,
 * datastore_upsert writes rows, resource_delete drops the table) is kept, reported or respected
 * by the swap, in both ways of loading (one connection, or staged over several).
 */
class ChangesDuringLoadTest {

    private DatastoreTestDatabase db;
    private final String rid = UUID.randomUUID().toString();
    private String table;

    @BeforeEach
    void setUp() throws Exception {
        db = new DatastoreTestDatabase();
        table = "\"" + rid + "\"";
        loader(2).load(new LoadRequest(rid, "job-1", "hash-1", TestAnalysis.builder()
                .column("name", "Name", ColumnType.TEXT)
                .row("old-1")
                .row("old-2")
                .build(), CkanVersion.of(2, 10)));
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    private DatastoreLoader loader(int parallelism) {
        return new DatastoreLoader(DatastoreConnections.fromCkanUrl(db.writeUrl()),
                LoaderSettings.defaults().withParallelism(parallelism));
    }

    /** New rows, with {@code sql} run by CKAN's write role while the first row is being loaded. */
    private TestAnalysis newRowsWhile(String... sql) {
        return TestAnalysis.builder()
                .column("name", "Name", ColumnType.TEXT)
                .row("new-1")
                .row("new-2")
                .row("new-3")
                .onRow((row, out) -> {
                    if (row == 1) {
                        try {
                            db.writerExecute(sql);
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                });
    }

    private LoadRequest request(TestAnalysis rows) {
        return new LoadRequest(rid, "job-2", "hash-2", rows.build(), CkanVersion.of(2, 10));
    }

    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 2})
    void aPrimaryKeyAddedByDatastoreCreateDuringTheLoadIsOnTheNewTable(int parallelism) throws Exception {
        String primaryKey = IndexNames.ckanName(rid, "\"name\"");

        LoadResult result = loader(parallelism).load(request(newRowsWhile(
                "CREATE UNIQUE INDEX \"" + primaryKey + "\" ON " + table + " (\"name\")")));

        assertTrue(result.replaced());
        assertEquals(List.of("unique on name"),
                db.query("SELECT CASE WHEN i.indisunique THEN 'unique on ' END || pg_get_indexdef(i.indexrelid, 1, true) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                        + " WHERE i.indrelid = '" + table + "'::regclass AND c.relname = '" + primaryKey + "'"));
    }

    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 2})
    void aPrimaryKeyAddedDuringTheLoadThatTheNewFileBreaksFailsTheLoad(int parallelism) throws Exception {
        String primaryKey = IndexNames.ckanName(rid, "\"name\"");
        TestAnalysis duplicates = newRowsWhile("CREATE UNIQUE INDEX \"" + primaryKey + "\" ON " + table + " (\"name\")")
                .row("new-1");

        LoadException e = assertThrows(LoadException.class, () -> loader(parallelism).load(request(duplicates)));

        assertTrue(e.getMessage().startsWith("the primary_key " + primaryKey + ", added while the file was loading, does not hold"),
                e.getMessage());
        assertEquals(List.of("old-1", "old-2"), db.query("SELECT name FROM " + table + " ORDER BY 1"));
    }

    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 2})
    void rowsWrittenByCkanDuringTheLoadAreReplacedAndCounted(int parallelism) throws Exception {
        LoadResult result = loader(parallelism).load(request(newRowsWhile(
                "INSERT INTO " + table + " (\"name\") VALUES ('upserted-1'), ('upserted-2')",
                "UPDATE " + table + " SET \"name\" = 'renamed' WHERE \"name\" = 'old-1'",
                "DELETE FROM " + table + " WHERE \"name\" = 'old-2'")));

        assertEquals(List.of("new-1", "new-2", "new-3"), db.query("SELECT name FROM " + table + " ORDER BY 1"));
        // two inserts and one update wrote 3 row versions; the update and the delete took 2 of the old rows
        assertTrue(result.warnings().stream().anyMatch(w -> w.contains("3 row(s) written and 2 deleted or overwritten since"
                + " the load began")), result.warnings().toString());
    }

    @Test
    void aReloadNobodyWroteDuringSaysNothingAboutWrites() throws Exception {
        LoadResult result = loader(2).load(request(newRowsWhile("SELECT 1")));

        assertTrue(result.warnings().stream().noneMatch(w -> w.contains("written")), result.warnings().toString());
    }

    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 2})
    void aLiveTableDroppedDuringTheLoadIsNotBroughtBack(int parallelism) {
        LoadException e = assertThrows(LoadException.class, () -> loader(parallelism).load(request(newRowsWhile(
                "DROP TABLE " + table + " CASCADE"))));

        assertInstanceOf(ResourceGoneException.class, e);
        assertEquals("the live table was dropped while the file was loading (the resource or its DataStore table was"
                + " deleted in CKAN); nothing was loaded", e.getMessage());
        assertNoTableLeft();
    }

    @Test
    void aResourceDeletedInCkanDuringItsFirstLoadIsNotCreated() throws Exception {
        String other = UUID.randomUUID().toString();
        LoadRequest firstLoad = new LoadRequest(other, "job-3", "hash-3", TestAnalysis.builder()
                .column("name", "Name", ColumnType.TEXT).row("a").build(), CkanVersion.of(2, 10), null, () -> false);

        LoadException e = assertThrows(ResourceGoneException.class, () -> loader(2).load(firstLoad));

        assertEquals("the resource was deleted in CKAN while the file was loading; nothing was loaded", e.getMessage());
        assertEquals("0", db.queryOne("SELECT count(*) FROM pg_class WHERE relname = '" + other + "'"));
    }

    @Test
    void aFirstLoadOfAResourceCkanStillHasCreatesItsTable() throws Exception {
        String other = UUID.randomUUID().toString();
        loader(2).load(new LoadRequest(other, "job-3", "hash-3", TestAnalysis.builder()
                .column("name", "Name", ColumnType.TEXT).row("a").build(), CkanVersion.of(2, 10), null, () -> true));

        assertEquals(List.of("a"), db.query("SELECT name FROM \"" + other + "\""));
    }

    @Test
    void aPublicationOfTheLiveTableIsNotSilentlyDropped() throws Exception {
        db.writerExecute("CREATE PUBLICATION \"feed\" FOR TABLE " + table);

        assertRefusedNaming("publication of table " + table + " in publication feed");
        assertEquals(List.of(rid), db.query("SELECT tablename FROM pg_publication_tables WHERE pubname = 'feed'"));
    }

    @Test
    void aFunctionTakingTheRowTypeIsNotSilentlyDropped() throws Exception {
        db.writerExecute("CREATE FUNCTION \"shout\"(r " + table + ") RETURNS text LANGUAGE sql AS 'SELECT upper(r.\"name\")'");

        assertRefusedNaming("function shout(" + table + ")");
        assertEquals("1", db.queryOne("SELECT count(*) FROM pg_proc WHERE proname = 'shout'"));
    }

    @Test
    void aStatisticsObjectOnTheLiveTableIsNotSilentlyDropped() throws Exception {
        db.writerExecute("CREATE STATISTICS \"name_stats\" (ndistinct) ON \"name\", \"_id\" FROM " + table);

        assertRefusedNaming("statistics object name_stats");
        assertEquals("1", db.queryOne("SELECT count(*) FROM pg_statistic_ext WHERE stxname = 'name_stats'"));
    }

    private void assertRefusedNaming(String dependent) throws Exception {
        String before = CatalogSnapshot.of(db, rid);

        LoadException e = assertThrows(LoadException.class, () -> loader(2).load(request(newRowsWhile("SELECT 1"))));

        assertTrue(e.getMessage().startsWith("replacing the live table would drop what depends on it and the worker does not"
                + " recreate (" + dependent + ")"), e.getMessage());
        assertTrue(e.getMessage().endsWith("Nothing was changed"), e.getMessage());
        assertEquals(before, CatalogSnapshot.of(db, rid));
        assertEquals(List.of("old-1", "old-2"), db.query("SELECT name FROM " + table + " ORDER BY 1"));
    }

    private void assertNoTableLeft() {
        try {
            assertEquals("0", db.queryOne("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                    + " WHERE c.relname = '" + rid + "' AND c.relkind = 'r'"), "neither live nor staged");
            assertFalse(db.query("SELECT relname FROM pg_class WHERE relname LIKE 'dpw\\_%'").iterator().hasNext());
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
