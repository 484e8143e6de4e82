package io.datapusher.worker.datastore;

import io.datapusher.worker.testsupport.LoaderTestBase;
import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.testsupport.DatastoreTestDatabase;
import io.datapusher.worker.testsupport.TestAnalysis;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FreshLoadTest extends LoaderTestBase {

    private LoadRequest request(CkanVersion ckan) {
        return new LoadRequest(rid, "job-" + UUID.randomUUID(), "d41d8cd98f00b204e9800998ecf8427e", TestAnalysis.builder()
                .column("name", "Name", ColumnType.TEXT)
                .column("count", "Count", ColumnType.INTEGER)
                .column("when", "When it happened", ColumnType.DATE)
                .row("Alice Smith", "3", "2024-01-31")
                .row("Bob the builder", null, "2024-02-01")
                .row(null, "7", null)
                .build(), ckan);
    }

    @Test
    void freshLoadCreatesCkanShapedTableWithTypesRowsAndFullText() throws Exception {
        LoadResult result = loader.load(request(CkanVersion.of(2, 10)));

        assertEquals(3, result.rows());
        assertFalse(result.replaced());
        assertEquals(List.of(new LoadResult.Column("name", ColumnType.TEXT), new LoadResult.Column("count", ColumnType.INTEGER),
                new LoadResult.Column("when", ColumnType.DATE)), result.columns());
        assertEquals(List.of("_id|integer", "_full_text|tsvector", "name|text", "count|integer", "when|date"),
                db.query("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '\"" + rid
                        + "\"'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum"));
        assertEquals("3", db.queryOne("SELECT count(*) FROM \"" + rid + "\""));
        assertEquals(List.of("1|Alice Smith|3|2024-01-31", "2|Bob the builder|<null>|2024-02-01", "3|<null>|7|<null>"),
                db.query("SELECT _id, name, count, \"when\" FROM \"" + rid + "\" ORDER BY _id"));

        // _full_text exactly as CKAN's trigger computes it, and present on every row.
        assertEquals("0", db.queryOne("SELECT count(*) FROM \"" + rid + "\" t WHERE t._full_text IS NULL OR t._full_text"
                + " IS DISTINCT FROM (SELECT to_tsvector(string_agg(value, ' ')) FROM json_each_text(row_to_json(t.*))"
                + " WHERE key NOT LIKE '\\_%')"));
        assertTrue(db.queryOne("SELECT _full_text::text FROM \"" + rid + "\" WHERE _id = 1").contains("'alic'"));
    }

    @Test
    void freshLoadNamesIndexesSequenceAndKeyLikeCkan() throws Exception {
        loader.load(request(CkanVersion.of(2, 10)));

        String fullText = IndexNames.ckanName(rid, "\"_full_text\"");
        String nameFts = IndexNames.ckanName(rid, "to_tsvector('english', \"name\")");
        List<String> indexes = db.query("SELECT indexname, regexp_replace(indexdef, '^.* USING ', 'USING ')"
                + " FROM pg_indexes WHERE tablename = '" + rid + "' ORDER BY indexname");
        assertEquals(3, indexes.size(), indexes.toString());
        assertTrue(indexes.contains(fullText + "|USING gist (_full_text)"), indexes.toString());
        assertTrue(indexes.contains(nameFts + "|USING gist (to_tsvector('english'::regconfig, name))"), indexes.toString());
        assertTrue(indexes.contains(rid + "_pkey|USING btree (_id)"), indexes.toString());
        assertEquals("public." + "\"" + rid + "__id_seq\"", db.queryOne("SELECT pg_get_serial_sequence('\"" + rid + "\"', '_id')"));
        assertEquals(rid + "_pkey", db.queryOne("SELECT conname FROM pg_constraint WHERE conrelid = '\"" + rid + "\"'::regclass"));
        assertEquals("zfulltext", db.queryOne("SELECT tgname FROM pg_trigger WHERE tgrelid = '\"" + rid + "\"'::regclass"));
    }

    @Test
    void freshLoadWritesLabelCommentsIn210Format() throws Exception {
        loader.load(request(CkanVersion.of(2, 10)));

        assertEquals(List.of("name|{\"label\": \"Name\"}", "count|{\"label\": \"Count\"}", "when|{\"label\": \"When it happened\"}"),
                comments());
    }

    @Test
    void freshLoadWritesLabelCommentsIn211Format() throws Exception {
        loader.load(request(CkanVersion.of(2, 11)));

        assertEquals(List.of("name| {\"_info\":{\"label\":\"Name\"}}", "count| {\"_info\":{\"label\":\"Count\"}}",
                "when| {\"_info\":{\"label\":\"When it happened\"}}"), comments());
    }

    @Test
    void freshLoadIsReadableByReadRoleListedInTableMetadataAndLeavesNoTempTable() throws Exception {
        LoadRequest request = request(CkanVersion.of(2, 11));
        loader.load(request);

        try (Connection reader = db.asReader()) {
            assertEquals(List.of("3"), DatastoreTestDatabase.query(reader, "SELECT count(*) FROM \"" + rid + "\""));
            assertEquals(List.of(rid + "|<null>"), DatastoreTestDatabase.query(reader,
                    "SELECT name, alias_of FROM \"_table_metadata\" WHERE name = '" + rid + "'"));
        }
        assertEquals("0", db.queryOne("SELECT count(*) FROM pg_class WHERE relname LIKE 'dpw\\_%'"));
        assertEquals(java.util.Set.of(rid, "_table_metadata"), java.util.Set.copyOf(db.query("SELECT relname FROM pg_class c JOIN pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND relkind IN ('r', 'v') ")));

        assertTrue(loader.tableExists(rid));
        LiveTable live = loader.describe(rid).orElseThrow();
        assertEquals(request.jobId(), live.marker().orElseThrow().jobId());
        assertEquals(request.hash(), live.marker().orElseThrow().hash());
        assertEquals(List.of("name", "count", "when"), live.columns().stream().map(LiveTable.Column::id).toList());
        assertFalse(loader.tableExists(UUID.randomUUID().toString()));
    }

    private List<String> comments() throws Exception {
        return db.query("SELECT attname, col_description(attrelid, attnum) FROM pg_attribute WHERE attrelid = '\"" + rid
                + "\"'::regclass AND attnum > 2 ORDER BY attnum");
    }
}
