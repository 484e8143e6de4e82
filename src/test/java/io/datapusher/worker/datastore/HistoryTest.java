package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.testsupport.DatastoreTestDatabase;
import io.datapusher.worker.testsupport.LoaderTestBase;
import io.datapusher.worker.testsupport.TestAnalysis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reload keeps the table it replaces, with its Data Dictionary, and a restore brings it back by
 * the same swap: the undo of a load that succeeded with the wrong file.
 */
class HistoryTest extends LoaderTestBase {

    private static final String POP_NOTE = "{\"label\": \"Population 2023\", \"notes\": \"census, curated\"}";

    private String table() {
        return "\"" + rid + "\"";
    }

    /** The Data Dictionary entry of column pop_2023 of a table. */
    private String note(String qualifiedTable) throws Exception {
        return db.queryOne("SELECT col_description(attrelid, attnum) FROM pg_attribute WHERE attrelid = '"
                + qualifiedTable + "'::regclass AND attname = 'pop_2023'");
    }

    private DatastoreLoader loader(HistoryPolicy policy, int parallelism) {
        DatastoreConnections connections = DatastoreConnections.fromCkanUrl(db.writeUrl());
        return new DatastoreLoader(connections, LoaderSettings.defaults().withParallelism(parallelism),
                new History(connections, policy));
    }

    /** Version 1: the curated table; version 2: a file whose column was renamed. */
    private void loadCuratedThenRenamed(DatastoreLoader loader) throws Exception {
        loader.load(new LoadRequest(rid, "job-1", "hash-1", TestAnalysis.builder()
                .column("town", "town", ColumnType.TEXT)
                .column("pop_2023", "pop_2023", ColumnType.INTEGER)
                .row("Aix", "10").row("Brest", "20").build(), CkanVersion.of(2, 10)));
        db.writerExecute("COMMENT ON COLUMN " + table() + ".\"pop_2023\" IS " + Sql.quoteLiteral(POP_NOTE),
                "CREATE VIEW \"towns-alias\" AS SELECT * FROM " + table());
        loader.load(new LoadRequest(rid, "job-2", "hash-2", TestAnalysis.builder()
                .column("town", "town", ColumnType.TEXT)
                .column("pop_2024", "pop_2024", ColumnType.INTEGER)
                .row("Aix", "11").row("Brest", "21").row("Caen", "31").build(), CkanVersion.of(2, 10)));
    }

    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {1, 2})
    void aReloadKeepsTheReplacedTableWithItsDictionaryOutOfCkansSight(int parallelism) throws Exception {
        DatastoreLoader loader = loader(HistoryPolicy.DEFAULT, parallelism);
        loadCuratedThenRenamed(loader);

        List<HistoryVersion> versions = loader.history().versions(rid);
        assertEquals(1, versions.size());
        HistoryVersion kept = versions.get(0);
        assertEquals("job-1", kept.version());
        assertEquals("job-2", kept.replacedByJob());
        assertEquals(2, kept.rows());
        assertEquals(List.of("town", "pop_2023"), kept.columns().stream().map(HistoryVersion.Column::id).toList());
        assertTrue(kept.bytes() > 0);
        assertTrue(kept.table().length() <= 63);
        assertEquals(POP_NOTE, note("datapusher_history.\"" + kept.table() + "\""));
        // CKAN lists tables in public only; nothing of the kept version is left there
        assertEquals("0", db.queryOne("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = 'public' AND c.relname LIKE 'h%\\_i%'"));
        assertEquals("3", db.queryOne("SELECT count(*) FROM " + table()));
        assertEquals("3", db.queryOne("SELECT count(*) FROM \"towns-alias\""));
        // the read role cannot reach it
        assertThrows(java.sql.SQLException.class, () -> DatastoreTestDatabase.query(db.asReader(),
                "SELECT * FROM datapusher_history.\"" + kept.table() + "\""));
    }

    @Test
    void aRestoreBringsBackTheOldRowsAndTheirOwnNotesAndASecondRestoreUndoesIt() throws Exception {
        DatastoreLoader loader = loader(HistoryPolicy.DEFAULT, 2);
        loadCuratedThenRenamed(loader);

        RestoreResult restored = loader.restore(rid, "job-3", null, null);

        assertEquals("job-1", restored.version());
        assertEquals(2, restored.rows());
        assertEquals(List.of("Aix|10", "Brest|20"), db.query("SELECT town || '|' || pop_2023 FROM " + table() + " ORDER BY _id"));
        assertEquals(POP_NOTE, note(table()));
        assertEquals(List.of("Aix|10", "Brest|20"), db.query("SELECT town || '|' || pop_2023 FROM \"towns-alias\" ORDER BY _id"));
        assertTrue(db.queryOne("SELECT obj_description('" + table() + "'::regclass, 'pg_class')").contains("\"job-3\""));
        assertEquals(List.of("job-2"), loader.history().versions(rid).stream().map(HistoryVersion::version).toList());
        // the sequence goes on after the restored rows, as it did
        db.writerExecute("INSERT INTO " + table() + " (town) VALUES ('Dax')");
        assertEquals("3", db.queryOne("SELECT max(_id) FROM " + table()));
        db.writerExecute("DELETE FROM " + table() + " WHERE town = 'Dax'");

        loader.restore(rid, "job-4", "job-2", null);

        assertEquals(List.of("Aix|11", "Brest|21", "Caen|31"),
                db.query("SELECT town || '|' || pop_2024 FROM " + table() + " ORDER BY _id"));
        assertEquals(List.of("job-1"), loader.history().versions(rid).stream().map(HistoryVersion::version).toList());
    }

    @Test
    void badRestoresAreRefusedAndChangeNothing() throws Exception {
        DatastoreLoader loader = loader(HistoryPolicy.DEFAULT, 1);
        loader.load(new LoadRequest(rid, "job-1", "hash-1", TestAnalysis.builder()
                .column("a", "a", ColumnType.TEXT).row("x").build(), CkanVersion.of(2, 10)));

        RestoreRefusedException none = assertThrows(RestoreRefusedException.class, () -> loader.checkRestore(rid, null));
        assertEquals(RestoreRefusedException.Reason.CONFLICT, none.reason());
        assertTrue(none.getMessage().contains("no kept versions"), none.getMessage());

        loader.load(new LoadRequest(rid, "job-2", "hash-2", TestAnalysis.builder()
                .column("b", "b", ColumnType.TEXT).row("y").build(), CkanVersion.of(2, 10)));
        RestoreRefusedException unknown = assertThrows(RestoreRefusedException.class,
                () -> loader.checkRestore(rid, "no-such-job"));
        assertEquals(RestoreRefusedException.Reason.UNKNOWN_VERSION, unknown.reason());

        // a primary_key on column b, which the kept version lacks
        db.writerExecute("CREATE UNIQUE INDEX \"" + IndexNames.ckanName(rid, "\"b\"") + "\" ON " + table() + " (\"b\")");
        RestoreRefusedException key = assertThrows(RestoreRefusedException.class, () -> loader.checkRestore(rid, null));
        assertTrue(key.getMessage().contains("primary_key"), key.getMessage());
        assertThrows(RestoreRefusedException.class, () -> loader.restore(rid, "job-3", null, null));
        assertEquals(List.of("y"), db.query("SELECT b FROM " + table()));
        assertEquals(1, loader.history().versions(rid).size());
    }

    @Test
    void withNoVersionsKeptTheSwapDropsTheOldTable() throws Exception {
        DatastoreLoader loader = loader(HistoryPolicy.OFF, 2);
        loadCuratedThenRenamed(loader);
        assertTrue(loader.history().versions(rid).isEmpty());
        assertEquals("0", db.queryOne("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = 'datapusher_history'"));
    }

    @Test
    void retentionKeepsTheNewestVersionsPerResource() throws Exception {
        DatastoreLoader loader = loader(new HistoryPolicy(2, Duration.ofDays(7), OptionalLong.empty()), 1);
        for (int i = 1; i <= 4; i++) {
            loader.load(new LoadRequest(rid, "job-" + i, "hash-" + i, TestAnalysis.builder()
                    .column("a", "a", ColumnType.TEXT).row("v" + i).build(), CkanVersion.of(2, 10)));
        }
        assertEquals(List.of("job-3", "job-2"), loader.history().versions(rid).stream().map(HistoryVersion::version).toList());
        assertEquals("2", db.queryOne("SELECT count(*) FROM pg_tables WHERE schemaname = 'datapusher_history'"
                + " AND tablename <> '_versions'"));
    }

    @Test
    void retentionByAgeAndBytesDropsTheOldestAndNeverALiveOrStagingTable() throws Exception {
        DatastoreLoader keeping = loader(new HistoryPolicy(5, Duration.ofDays(7), OptionalLong.empty()), 2);
        for (int i = 1; i <= 3; i++) {
            keeping.load(new LoadRequest(rid, "job-" + i, "hash-" + i, TestAnalysis.builder()
                    .column("a", "a", ColumnType.TEXT).row("v" + i).build(), CkanVersion.of(2, 10)));
        }
        db.writerExecute("CREATE SCHEMA IF NOT EXISTS datapusher_staging",
                "CREATE TABLE datapusher_staging.\"" + rid + "\" (a text)");
        long oneVersion = keeping.history().versions(rid).get(0).bytes();
        History bytesCap = new History(DatastoreConnections.fromCkanUrl(db.writeUrl()),
                new HistoryPolicy(5, Duration.ofDays(7), OptionalLong.of(oneVersion)));
        assertEquals(1, bytesCap.sweep());
        assertEquals(List.of("job-2"), bytesCap.versions(rid).stream().map(HistoryVersion::version).toList());

        History ageZero = new History(DatastoreConnections.fromCkanUrl(db.writeUrl()),
                new HistoryPolicy(5, Duration.ZERO, OptionalLong.empty()));
        assertEquals(1, ageZero.sweep());
        assertTrue(ageZero.versions(rid).isEmpty());
        assertEquals("v3", db.queryOne("SELECT a FROM " + table()));
        assertEquals("0", db.queryOne("SELECT count(*) FROM datapusher_staging.\"" + rid + "\""));
    }

    @Test
    void theHistoryOfAResourceWhoseTableIsGoneGoesWithTheSweep() throws Exception {
        DatastoreLoader loader = loader(HistoryPolicy.DEFAULT, 1);
        for (int i = 1; i <= 2; i++) {
            loader.load(new LoadRequest(rid, "job-" + i, "hash-" + i, TestAnalysis.builder()
                    .column("a", "a", ColumnType.TEXT).row("v" + i).build(), CkanVersion.of(2, 10)));
        }
        assertEquals(0, loader.history().sweep());
        db.writerExecute("DROP TABLE " + table());
        assertEquals(1, loader.history().sweep());
        assertTrue(loader.history().versions(rid).isEmpty());
        assertFalse(loader.tableExists(rid));
    }
}
