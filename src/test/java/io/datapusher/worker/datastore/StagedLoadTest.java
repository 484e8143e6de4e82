package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.testsupport.CatalogSnapshot;
import io.datapusher.worker.testsupport.DatastoreTestDatabase;
import io.datapusher.worker.testsupport.TestAnalysis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A staged load (committed in the worker's schema, filled and indexed over several connections,
 * moved into public by the swap) gives exactly the table that a load in one transaction gives, and
 * leaves no staging table behind, whatever happens.
 */
class StagedLoadTest {

    private static final int ROWS = 3 * CopyFill.CHUNK_ROWS + 123;
    private static final String[] WORDS = {"river", "lake", "station", "north", "rainfall", "sensor", "harbour", "bridge"};

    private final String rid = UUID.randomUUID().toString();
    private final List<DatastoreTestDatabase> databases = new ArrayList<>();

    @AfterEach
    void dropDatabases() throws Exception {
        for (DatastoreTestDatabase db : databases) {
            db.close();
        }
    }

    @Test
    void aStagedLoadGivesExactlyTheTableOfALoadInOneTransaction() throws Exception {
        DatastoreTestDatabase staged = database();
        DatastoreTestDatabase serial = database();

        LoadResult parallel = loader(staged, 3).load(request("job-1", rows(ROWS, 0)));
        LoadResult single = loader(serial, 1).load(request("job-1", rows(ROWS, 0)));

        assertEquals(3, parallel.connections());
        assertEquals(1, single.connections());
        assertEquals(ROWS, parallel.rows());
        assertEquals(catalog(serial), catalog(staged));
        assertEquals(noStagingTables(), stagingTables(staged));
    }

    @Test
    void aStagedReloadKeepsWhatACuratorDidExactlyAsALoadInOneTransactionDoes() throws Exception {
        DatastoreTestDatabase staged = database();
        DatastoreTestDatabase serial = database();
        for (DatastoreTestDatabase db : List.of(staged, serial)) {
            loader(db, db == staged ? 2 : 1).load(request("job-1", rows(10, 0)));
            db.writerExecute(
                    "COMMENT ON COLUMN \"" + rid + "\".\"name\" IS ' {\"_info\":{\"label\":\"Name\",\"notes\":\"kept\"}}'",
                    "CREATE VIEW \"an-alias\" AS SELECT * FROM \"" + rid + "\"",
                    "GRANT SELECT ON \"" + rid + "\" TO PUBLIC",
                    "CREATE INDEX \"" + IndexNames.ckanName(rid, "\"amount\"") + "\" ON \"" + rid + "\" (\"amount\")");
        }

        loader(staged, 2).load(request("job-2", rows(ROWS, 7)));
        loader(serial, 1).load(request("job-2", rows(ROWS, 7)));

        assertEquals(catalog(serial), catalog(staged));
        assertEquals(String.valueOf(ROWS), staged.queryOne("SELECT count(*) FROM \"an-alias\""));
    }

    @Test
    void aJobThatDiedAfterItsSwapHasItsTextColumnsFullTextIndexesBuiltWhenItResumes() throws Exception {
        DatastoreTestDatabase db = database();
        DatastoreLoader loader = loader(db, 2);
        LoadResult result = loader.load(request("job-1", rows(100, 0)));
        assertTrue(result.liveAt() != null && !result.indexesPending());
        String nameIndex = IndexNames.ckanName(rid, "to_tsvector('english', \"name\")");
        String definition = db.queryOne("SELECT indexdef FROM pg_indexes WHERE indexname = '" + nameIndex + "'");
        String marker = db.queryOne("SELECT obj_description('\"" + rid + "\"'::regclass, 'pg_class')");
        // as the swap leaves the table before the worker builds the index and forgets it in the marker
        db.writerExecute("DROP INDEX \"" + nameIndex + "\"",
                "COMMENT ON TABLE \"" + rid + "\" IS " + Sql.quoteLiteral(marker.replace("}}",
                        ",\"pending_indexes\":{\"" + nameIndex + "\":\"USING gist (to_tsvector('english', \\\"name\\\"))\"}}}")));
        assertFalse(loader.describe(rid).orElseThrow().marker().orElseThrow().pendingIndexes().isEmpty());

        assertEquals(1, loader.completePendingIndexes(rid, "job-1"));

        assertEquals(definition, db.queryOne("SELECT indexdef FROM pg_indexes WHERE indexname = '" + nameIndex + "'"));
        assertTrue(loader.describe(rid).orElseThrow().marker().orElseThrow().pendingIndexes().isEmpty());
        assertEquals(0, loader.completePendingIndexes(rid, "job-1"));
    }

    @Test
    void aValueThatPostgresqlRefusesNamesTheFilesRecordAndLeavesNothingBehind() throws Exception {
        DatastoreTestDatabase db = database();
        loader(db, 2).load(request("job-1", rows(10, 0)));
        String before = CatalogSnapshot.of(db, rid);
        TestAnalysis bad = TestAnalysis.builder().column("n", "n", ColumnType.INTEGER);
        for (int i = 1; i <= ROWS; i++) {
            bad.row(i == 9000 ? "not a number" : String.valueOf(i));
        }

        LoadException e = assertThrows(LoadException.class, () -> loader(db, 3).load(request("job-2", bad.build())));

        assertTrue(e.getMessage().startsWith("PostgreSQL rejected the data at record 9000, column \"n\""), e.getMessage());
        assertEquals(before, CatalogSnapshot.of(db, rid));
        assertEquals(noStagingTables(), stagingTables(db));
    }

    @Test
    void aStagingTableLeftByALoadThatDiedIsDroppedByTheSweepUnlessALoadHoldsItsResource() throws Exception {
        DatastoreTestDatabase db = database();
        DatastoreLoader loader = loader(db, 2);
        loader.load(request("job-1", rows(10, 0)));
        String busy = UUID.randomUUID().toString();
        db.writerExecute("CREATE TABLE datapusher_staging.\"" + rid + "\" (a int)",
                "CREATE TABLE datapusher_staging.\"" + busy + "\" (a int)");

        try (Connection loading = db.asWriter();
             PreparedStatement lock = loading.prepareStatement("SELECT pg_advisory_lock(?)")) {
            lock.setLong(1, DatastoreLoader.advisoryKey(busy));
            lock.execute();

            assertEquals(1, loader.sweepStaging());
            assertEquals(List.of(busy), stagingTables(db));
        }
        assertEquals(1, loader.sweepStaging());
        assertEquals(noStagingTables(), stagingTables(db));
    }

    @Test
    void theNextLoadOfTheResourceDropsItsLeftoverStagingTable() throws Exception {
        DatastoreTestDatabase db = database();
        db.writerExecute("CREATE SCHEMA datapusher_staging",
                "CREATE TABLE datapusher_staging.\"" + rid + "\" (half_built int)");

        loader(db, 2).load(request("job-1", rows(10, 0)));

        assertEquals("10", db.queryOne("SELECT count(*) FROM public.\"" + rid + "\""));
        assertEquals(noStagingTables(), stagingTables(db));
    }

    @Test
    void whereTheWriteRoleMayNotCreateASchemaTheLoadRunsInOneTransaction() throws Exception {
        DatastoreTestDatabase db = database().withoutSchemaCreation();

        LoadResult result = loader(db, 2).load(request("job-1", rows(ROWS, 0)));

        assertEquals(1, result.connections());
        assertEquals(String.valueOf(ROWS), db.queryOne("SELECT count(*) FROM \"" + rid + "\""));
        assertFalse(db.queryOne("SELECT count(*) FROM pg_namespace WHERE nspname = 'datapusher_staging'").equals("1"));
    }

    private DatastoreTestDatabase database() throws Exception {
        DatastoreTestDatabase db = new DatastoreTestDatabase();
        databases.add(db);
        return db;
    }

    private static DatastoreLoader loader(DatastoreTestDatabase db, int parallelism) {
        return new DatastoreLoader(DatastoreConnections.fromCkanUrl(db.writeUrl()),
                LoaderSettings.defaults().withParallelism(parallelism));
    }

    private LoadRequest request(String jobId, Analysis analysis) {
        return new LoadRequest(rid, jobId, "hash-" + jobId, analysis, CkanVersion.of(2, 11));
    }

    /** Text, numbers, dates and empty cells, enough rows for several chunks per connection. */
    private static Analysis rows(int count, int seed) {
        TestAnalysis analysis = TestAnalysis.builder()
                .column("name", "Name", ColumnType.TEXT)
                .column("amount", "Amount", ColumnType.NUMERIC)
                .column("day", "Day", ColumnType.DATE)
                .column("note", "Note \"quoted\"", ColumnType.TEXT);
        for (int i = 0; i < count; i++) {
            int k = i + seed;
            analysis.row(WORDS[k % WORDS.length] + " " + WORDS[(k / 3) % WORDS.length] + " " + k,
                    (k % 5 == 0) ? null : String.valueOf(k * 1.5),
                    "2024-" + String.format("%02d-%02d", k % 12 + 1, k % 28 + 1),
                    (k % 7 == 0) ? "line one\nline \"two\"" : WORDS[(k * 7) % WORDS.length]);
        }
        return analysis.build();
    }

    /**
     * Everything CKAN or a reader can see of the table: rows, _full_text, columns, comments, indexes,
     * grants, sequence, views; each database has roles of its own, named alike here.
     */
    private String catalog(DatastoreTestDatabase db) throws Exception {
        String table = "'public.\"" + rid + "\"'::regclass";
        return String.join("\n",
                "rows " + db.queryOne("SELECT count(*) || ' ' || md5(string_agg(t::text, ',' ORDER BY _id)) FROM \"" + rid + "\" t"),
                "columns " + db.query("SELECT attname, format_type(atttypid, atttypmod), attnotnull,"
                        + " pg_get_expr(d.adbin, d.adrelid), col_description(attrelid, attnum) FROM pg_attribute a"
                        + " LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                        + " WHERE attrelid = " + table + " AND attnum > 0 AND NOT attisdropped ORDER BY attnum"),
                "indexes " + db.query("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
                        + " AND tablename = '" + rid + "' ORDER BY 1"),
                "constraints " + db.query("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = "
                        + table + " ORDER BY 1"),
                "triggers " + db.query("SELECT tgname, pg_get_triggerdef(oid), tgenabled FROM pg_trigger WHERE tgrelid = "
                        + table + " AND NOT tgisinternal ORDER BY 1"),
                "grants " + db.query("SELECT relowner::regrole, relacl FROM pg_class WHERE oid = " + table),
                "sequence " + db.query("SELECT last_value, is_called FROM public.\"" + rid + "__id_seq\""),
                "relations " + db.query("SELECT c.relname, c.relkind, c.relacl FROM pg_class c JOIN pg_namespace n"
                        + " ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY 1"))
                .replace(db.writeUser(), "<write role>").replace(db.readUser(), "<read role>");
    }

    private static List<String> stagingTables(DatastoreTestDatabase db) throws Exception {
        return db.query("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = 'datapusher_staging' ORDER BY 1");
    }

    private static List<String> noStagingTables() {
        return List.of();
    }
}
