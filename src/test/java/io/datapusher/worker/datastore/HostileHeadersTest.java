package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.testsupport.DatastoreTestDatabase;
import io.datapusher.worker.testsupport.TestAnalysis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Column ids come from file headers; whatever they contain, they are only ever names. */
class HostileHeadersTest {

    private static final String INJECTION = "a\"; DROP TABLE x; --";
    private static final String QUOTE_INJECTION = "Robert'); DROP TABLE x;--";
    private static final String EMOJI = "😀 price € ünïcode";
    private static final String LONGEST = "é".repeat(31) + "x"; // 63 bytes, PostgreSQL's limit

    private DatastoreTestDatabase db;
    private final String rid = UUID.randomUUID().toString();

    @BeforeEach
    void setUp() throws Exception {
        db = new DatastoreTestDatabase();
        db.writerExecute("CREATE TABLE x (keep int)", "INSERT INTO x VALUES (42)");
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    @Test
    void hostileHeaderIdsLoadAsQuotedColumnsAndNothingElseChanges() throws Exception {
        assertEquals(63, LONGEST.getBytes(StandardCharsets.UTF_8).length);
        String before = db.query("SELECT relname, relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = 'public' ORDER BY 1").toString();

        new DatastoreLoader(DatastoreConnections.fromCkanUrl(db.writeUrl()), LoaderSettings.defaults())
                .load(new LoadRequest(rid, "job-1", "hash-1", TestAnalysis.builder()
                        .column(INJECTION, INJECTION, ColumnType.TEXT)
                        .column(QUOTE_INJECTION, "label'); DROP TABLE x; --", ColumnType.TEXT)
                        .column(EMOJI, EMOJI, ColumnType.INTEGER)
                        .column(LONGEST, LONGEST, ColumnType.TEXT)
                        .row("v1", "v2", "3", "v4")
                        .row("'; DROP TABLE x; --", "\"", "4", "\\N")
                        .build(), CkanVersion.of(2, 10)));

        assertEquals(List.of("_id", "_full_text", INJECTION, QUOTE_INJECTION, EMOJI, LONGEST),
                db.query("SELECT attname FROM pg_attribute WHERE attrelid = '\"" + rid + "\"'::regclass AND attnum > 0 ORDER BY attnum"));
        assertEquals(List.of("v1|v2|3|v4", "'; DROP TABLE x; --|\"|4|\\N"), db.query("SELECT \"" + INJECTION.replace("\"", "\"\"")
                + "\", \"" + QUOTE_INJECTION + "\", \"" + EMOJI + "\", \"" + LONGEST + "\" FROM \"" + rid + "\" ORDER BY _id"));
        assertEquals("{\"label\": \"label'); DROP TABLE x; --\"}", db.queryOne(
                "SELECT col_description('\"" + rid + "\"'::regclass, 4)"));
        assertEquals("42", db.queryOne("SELECT keep FROM x"));

        String after = db.query("SELECT relname, relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = 'public' AND relname NOT IN ('" + rid + "', '" + rid + "__id_seq', '" + rid + "_pkey')"
                + " AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indexrelid = c.oid AND i.indrelid = '\"" + rid + "\"'::regclass)"
                + " ORDER BY 1").toString();
        assertEquals(before, after);
        // One FTS index per text column (three), plus _full_text's; the primary key makes five.
        assertEquals("5", (db.queryOne("SELECT count(*) FROM pg_index WHERE indrelid = '\"" + rid + "\"'::regclass")));
    }
}
