package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.formats.CsvAnalyzer;
import io.datapusher.worker.testsupport.LoaderTestBase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An incremental load is a load like any other: it is listed in the resource's history and a
 * restore undoes it. Undoing an append removes the appended rows; undoing a keyed load brings back
 * the rows as they were. Either way the table is exactly the one before: the same rows with the same
 * {@code _id} and {@code _full_text}, the same indexes, the same record for the next incremental
 * load, the same {@code _id} sequence and 2.12's cached row count. An undo that could not be exact is
 * refused, and the undo can itself be undone.
 */
class IncrementalUndoTest extends LoaderTestBase {

    private Path dir;
    private History history;
    private IncrementalLoad incremental;

    @BeforeEach
    void setUp() throws Exception {
        dir = Files.createTempDirectory("dpw-undo");
        db.writerExecute("CREATE TABLE public._table_stats (resource_id text PRIMARY KEY, stats jsonb)");
        keep(HistoryPolicy.DEFAULT);
    }

    private void keep(HistoryPolicy policy) {
        DatastoreConnections connections = DatastoreConnections.fromCkanUrl(db.writeUrl());
        history = new History(connections, policy);
        loader = new DatastoreLoader(connections, LoaderSettings.defaults(), history);
        incremental = new IncrementalLoad(connections, 0.2, history);
    }

    @AfterEach
    void removeFiles() throws Exception {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(dir);
    }

    @Test
    void undoingAnAppendRemovesTheAppendedRowsAndLeavesExactlyTheTableBefore() throws Exception {
        loader.load(request("job-1", csv("v1", 200, false)));
        Snapshot before = snapshot();

        IncrementalLoad.Outcome appended = incremental.tryLoad(request("job-2", csv("v2", 220, false)), false);
        assertEquals(LoadPath.APPEND, appended.path(), appended.reason());
        SchemaDrift drift = appended.result().drift();
        assertNotNull(drift, "the drift report is there for an incremental load too");
        assertFalse(drift.hasColumnChanges());
        assertEquals(200L, drift.rowsBefore());
        assertEquals(220, drift.rowsAfter());
        Snapshot after = snapshot();
        HistoryVersion kept = history.versions(rid).get(0);
        assertEquals(List.of(HistoryVersion.APPEND), kinds());
        assertEquals("job-1", kept.version());
        assertEquals("job-2", kept.replacedByJob());
        assertEquals(200, kept.rows());

        RestoreResult undone = loader.restore(rid, "undo-1", null, null);

        assertEquals(1, undone.changesUndone());
        assertEquals("job-1", undone.version());
        assertEquals(200, undone.rows());
        before.assertSameAs(snapshot(), "after the undo of the append");
        assertEquals("200", db.queryOne("SELECT stats->>'rows' FROM public._table_stats WHERE resource_id = '" + rid + "'"));
        // the undo is kept in its turn: restoring what the append left undoes the undo
        assertEquals(List.of(HistoryVersion.UNDO), kinds());
        assertEquals("job-2", history.versions(rid).get(0).version());
        loader.restore(rid, "redo-1", "job-2", null);
        after.assertSameAs(snapshot(), "after the undo of the undo");

        // and the record is right for the next load: the same file again after an undo appends again
        loader.restore(rid, "undo-2", "job-1", null);
        IncrementalLoad.Outcome again = incremental.tryLoad(request("job-3", csv("v2", 220, false)), false);
        assertEquals(LoadPath.APPEND, again.path(), again.reason());
        after.assertSameRowsAs(snapshot(), "the append after an undo");
        assertEquals(after.record(), snapshot().record());
    }

    @Test
    void undoingAKeyedLoadBringsBackTheRowsAsTheyWereWithTheirIds() throws Exception {
        loader.load(request("job-1", csv("v1", 200, false)));
        addPrimaryKey();
        Snapshot before = snapshot();

        IncrementalLoad.Outcome keyed = incremental.tryLoad(request("job-2", csv("v2", 205, true)), false);
        assertEquals(LoadPath.KEYED, keyed.path(), keyed.reason());
        assertEquals(List.of(5L, 20L, 1L), List.of(keyed.inserted(), keyed.updated(), keyed.deleted()));
        assertNotNull(keyed.result().drift());
        Snapshot after = snapshot();
        assertEquals(List.of(HistoryVersion.KEYED), kinds());

        loader.checkRestore(rid, null);
        RestoreResult undone = loader.restore(rid, "undo-1", null, null);

        assertEquals(1, undone.changesUndone());
        before.assertSameAs(snapshot(), "after the undo of the keyed load");
        loader.restore(rid, "redo-1", "job-2", null);
        after.assertSameAs(snapshot(), "after the undo of the undo");
    }

    @Test
    void restoringAnOlderVersionUndoesEveryIncrementalLoadSinceNewestFirst() throws Exception {
        keep(new HistoryPolicy(5, Duration.ofDays(7), OptionalLong.empty()));
        loader.load(request("job-1", csv("v1", 200, false)));
        addPrimaryKey();
        Snapshot first = snapshot();
        assertEquals(LoadPath.APPEND, incremental.tryLoad(request("job-2", csv("v2", 210, false)), false).path());
        assertEquals(LoadPath.KEYED, incremental.tryLoad(request("job-3", csv("v3", 215, true)), false).path());
        // after a keyed load the rows are no longer in file order: new rows are keyed inserts
        assertEquals(LoadPath.KEYED, incremental.tryLoad(request("job-4", csv("v4", 230, true)), false).path());
        assertEquals(List.of(HistoryVersion.KEYED, HistoryVersion.KEYED, HistoryVersion.APPEND), kinds());

        RestoreResult undone = loader.restore(rid, "undo-1", "job-1", null);

        assertEquals(3, undone.changesUndone());
        first.assertSameAs(snapshot(), "after undoing three incremental loads");
        assertEquals(List.of(HistoryVersion.UNDO), kinds(), "the undone changes are one undo now");
    }

    @Test
    void anUndoIsRefusedWhenTheLiveTableWasWrittenSinceAndNothingChanges() throws Exception {
        loader.load(request("job-1", csv("v1", 200, false)));
        assertEquals(LoadPath.APPEND, incremental.tryLoad(request("job-2", csv("v2", 220, false)), false).path());
        // a datastore_upsert through CKAN, after the worker's load
        db.writerExecute("UPDATE " + Sql.publicTable(rid) + " SET \"name\" = 'edited' WHERE \"_id\" = 3");
        Snapshot edited = snapshot();

        RestoreRefusedException asked = assertThrows(RestoreRefusedException.class, () -> loader.checkRestore(rid, null));
        assertEquals(RestoreRefusedException.Reason.CONFLICT, asked.reason());
        assertTrue(asked.getMessage().contains("written since"), asked.getMessage());
        LoadException refused = assertThrows(LoadException.class, () -> loader.restore(rid, "undo-1", null, null));
        assertTrue(refused.getMessage().contains("written since"), refused.getMessage());
        edited.assertSameAs(snapshot(), "after the refused undo");
    }

    @Test
    void aFullReloadAfterAnAppendIsKeptWholeAndTheAppendItReplacedCanNoLongerBeUndoneAlone() throws Exception {
        keep(new HistoryPolicy(5, Duration.ofDays(7), OptionalLong.empty()));
        loader.load(request("job-1", csv("v1", 200, false)));
        assertEquals(LoadPath.APPEND, incremental.tryLoad(request("job-2", csv("v2", 220, false)), false).path());
        Snapshot appended = snapshot();
        loader.load(request("job-3", csv("v3", 230, true)));

        // the append applied to the table the full reload replaced: its change is dropped, that table is kept whole
        assertEquals(List.of(HistoryVersion.FULL), kinds());
        assertEquals("job-2", history.versions(rid).get(0).version());
        RestoreRefusedException unknown = assertThrows(RestoreRefusedException.class, () -> loader.checkRestore(rid, "job-1"));
        assertEquals(RestoreRefusedException.Reason.UNKNOWN_VERSION, unknown.reason());

        loader.restore(rid, "undo-1", null, null);
        appended.assertSameRowsAs(snapshot(), "the restored table the append had left");
    }

    @Test
    void aChangeCountsAsAVersionInTheRetention() throws Exception {
        loader.load(request("job-1", csv("v1", 200, false)));
        loader.load(request("job-2", csv("v2", 200, true)));
        assertEquals(List.of(HistoryVersion.FULL), kinds());
        assertEquals(LoadPath.APPEND, incremental.tryLoad(request("job-3", csv("v3", 210, true)), false).path());
        assertEquals(List.of(HistoryVersion.APPEND), kinds(), "one version per resource: the newest, the append");
        assertEquals("0", db.queryOne("SELECT count(*) FROM pg_tables WHERE schemaname = 'datapusher_history'"
                + " AND tablename <> '_versions'"), "the full version's table is dropped; an append keeps none");

        addPrimaryKey();
        assertEquals(LoadPath.KEYED, incremental.tryLoad(request("job-4", csv("v4", 212, false)), false).path());
        assertEquals(List.of(HistoryVersion.KEYED), kinds());
        assertTrue(history.versions(rid).get(0).bytes() > 0, "a keyed load keeps the rows it replaced");

        keep(HistoryPolicy.OFF);
        history.sweep();
        assertEquals(List.of(), kinds());
        assertEquals("0", db.queryOne("SELECT count(*) FROM pg_tables WHERE schemaname = 'datapusher_history'"
                + " AND tablename <> '_versions'"));
    }

    private List<String> kinds() throws Exception {
        return history.versions(rid).stream().map(HistoryVersion::kind).toList();
    }

    private void addPrimaryKey() throws Exception {
        db.writerExecute("CREATE UNIQUE INDEX " + Sql.quoteIdent(IndexNames.ckanName(rid, "\"id\"")) + " ON "
                + Sql.publicTable(rid) + " (\"id\")");
    }

    /** What must come back exactly: the table itself, its rows, indexes, record and sequence, and 2.12's count. */
    private record Snapshot(String oid, List<String> rows, List<String> indexes, String record, String sequence, String cached) {

        void assertSameAs(Snapshot now, String when) {
            assertEquals(oid, now.oid, when + ": the same table");
            assertSameRowsAs(now, when);
            assertEquals(record, now.record, when + ": the record for the next incremental load");
            assertEquals(indexes, now.indexes, when + ": indexes");
            assertEquals(sequence, now.sequence, when + ": the _id sequence");
            assertEquals(cached, now.cached, when + ": 2.12's cached row count");
        }

        void assertSameRowsAs(Snapshot now, String when) {
            assertEquals(rows.size(), now.rows.size(), when + ": rows");
            assertEquals(rows, now.rows, when + ": rows with _id and _full_text");
        }
    }

    private Snapshot snapshot() throws Exception {
        String table = Sql.publicTable(rid);
        return new Snapshot(
                db.queryOne("SELECT '" + table + "'::regclass::oid"),
                db.query("SELECT t::text FROM " + table + " t ORDER BY \"_id\""),
                db.query("SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = '" + table + "'::regclass ORDER BY 1"),
                // the record without its transaction id, which names whoever wrote it last
                db.queryOne("SELECT (obj_description('" + table + "'::regclass, 'pg_class')::jsonb"
                        + " -> 'datapusher_worker' -> 'incremental') - 'xid'"),
                db.queryOne("SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence('" + table + "', '_id')::regclass)::text,"
                        + " 'none')"),
                db.queryOne("SELECT stats->>'rows' FROM public._table_stats WHERE resource_id = '" + rid + "'"));
    }

    private LoadRequest request(String jobId, Path file) throws Exception {
        Analysis analysis = new CsvAnalyzer().analyze(file);
        return new LoadRequest(rid, jobId, "h-" + file.getFileName(), analysis, CkanVersion.of(2, 10));
    }

    private Path csv(String name, int rows, boolean changed) throws Exception {
        return IncrementalFiles.csv(dir, name, rows, changed);
    }
}
