package io.datapusher.worker.datastore;

import io.datapusher.worker.testsupport.LoaderTestBase;
import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.testsupport.TestAnalysis;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A reload over a table a curator has worked on: nothing the curator did may be lost. */
class ReloadTest extends LoaderTestBase {

    private static final String NAME_COMMENT = "{\"label\": \"Full name\", \"notes\": \"Who \\\"signed\\\" it \u2014 \u00e9\", \"type_override\": \"\"}";
    private static final String AMOUNT_COMMENT = "{\"label\": \"Amount\", \"notes\": \"EUR\", \"type_override\": \"numeric\"}";
    private static final String CODE_COMMENT = "a curator's free-text note, not JSON at all";

    private String table;

    @BeforeEach
    void setUp() throws Exception {
        table = "\"" + rid + "\"";
        loader.load(new LoadRequest(rid, "job-1", "hash-1", TestAnalysis.builder()
                .column("name", "name", ColumnType.TEXT)
                .column("amount", "amount", ColumnType.INTEGER)
                .column("code", "code", ColumnType.TEXT)
                .row("a", "1", "007")
                .row("b", "2", "008")
                .build(), CkanVersion.of(2, 10)));
    }

    @Test
    void reloadKeepsDictionaryOverrideAliasesViewsGrantsIndexesAndTriggers() throws Exception {
        String viewer = db.createRole("dpw_viewer");
        String uniqueName = IndexNames.ckanName(rid, "\"name\"");
        String amountIndex = IndexNames.ckanName(rid, "\"amount\"");
        db.writerExecute(
                "COMMENT ON COLUMN " + table + ".\"name\" IS " + Sql.quoteLiteral(NAME_COMMENT),
                "COMMENT ON COLUMN " + table + ".\"amount\" IS " + Sql.quoteLiteral(AMOUNT_COMMENT),
                "COMMENT ON COLUMN " + table + ".\"code\" IS " + Sql.quoteLiteral(CODE_COMMENT),
                "CREATE VIEW \"my-alias\" AS SELECT * FROM " + table,
                "COMMENT ON VIEW \"my-alias\" IS 'alias comment'",
                "CREATE VIEW \"row-count\" WITH (security_barrier=true) AS SELECT count(*) AS n FROM " + table,
                "CREATE VIEW \"on-alias\" AS SELECT name FROM \"my-alias\"",
                "GRANT SELECT, INSERT ON " + table + " TO " + viewer,
                "GRANT SELECT ON " + table + " TO PUBLIC",
                "GRANT UPDATE ON " + table + " TO " + viewer + " WITH GRANT OPTION",
                "GRANT SELECT ON \"my-alias\" TO " + viewer + " WITH GRANT OPTION",
                "REVOKE SELECT ON \"row-count\" FROM " + db.readUser(),
                "CREATE UNIQUE INDEX \"" + uniqueName + "\" ON " + table + " (\"name\")",
                "CREATE INDEX \"" + amountIndex + "\" ON " + table + " (\"amount\")",
                "CREATE FUNCTION public.upper_name() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.name := upper(NEW.name); RETURN NEW; END $$",
                "CREATE TRIGGER t000 BEFORE INSERT ON " + table + " FOR EACH ROW EXECUTE FUNCTION public.upper_name()");
        String tableAcl = acl(rid);
        assertTrue(tableAcl.contains("PUBLIC:SELECT:false") && tableAcl.contains(viewer + ":UPDATE:true"), tableAcl);
        String aliasAcl = acl("my-alias");
        String countAcl = acl("row-count");

        LoadResult result = loader.load(new LoadRequest(rid, "job-2", "hash-2", TestAnalysis.builder()
                .column("name", "name", ColumnType.TEXT)
                .column("amount", "amount", ColumnType.INTEGER)
                .column("code", "code", ColumnType.TEXT)
                .column("extra", "Extra \"quoted\"", ColumnType.TEXT)
                .row("c", "3", "009", "x")
                .row("d", "4", "010", "y")
                .row("e", "5", "011", null)
                .build(), CkanVersion.of(2, 10)));

        assertTrue(result.replaced());
        assertEquals(3, result.rows());
        assertEquals(ColumnType.NUMERIC, result.columns().get(1).type());
        assertEquals("numeric", db.queryOne("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"
                + table + "'::regclass AND attname = 'amount'"));
        assertEquals(List.of("name|" + NAME_COMMENT, "amount|" + AMOUNT_COMMENT, "code|" + CODE_COMMENT,
                "extra|{\"label\": \"Extra \\\"quoted\\\"\"}"), comments());

        // The alias shows the new rows and the new column; the other views are back with their options.
        assertEquals(List.of("c|3|009|x", "d|4|010|y", "e|5|011|<null>"),
                db.query("SELECT name, amount, code, extra FROM \"my-alias\" ORDER BY name"));
        assertEquals("3", db.queryOne("SELECT n FROM \"row-count\""));
        assertEquals("{security_barrier=true}", db.queryOne("SELECT reloptions FROM pg_class WHERE relname = 'row-count'"));
        assertEquals(List.of("c", "d", "e"), db.query("SELECT name FROM \"on-alias\" ORDER BY 1"));
        assertEquals("alias comment", db.queryOne("SELECT obj_description('\"my-alias\"'::regclass, 'pg_class')"));
        assertEquals(rid, db.queryOne("SELECT alias_of FROM \"_table_metadata\" WHERE name = 'my-alias'"));

        assertEquals(tableAcl, acl(rid));
        assertEquals(aliasAcl, acl("my-alias"));
        assertEquals(countAcl, acl("row-count"));

        assertEquals("1", db.queryOne("SELECT count(*) FROM pg_index WHERE indexrelid = '\"" + uniqueName + "\"'::regclass"
                + " AND indrelid = '" + table + "'::regclass AND indisunique"));
        assertEquals("1", db.queryOne("SELECT count(*) FROM pg_index WHERE indexrelid = '\"" + amountIndex + "\"'::regclass"
                + " AND indrelid = '" + table + "'::regclass"));
        assertEquals(List.of("t000", "zfulltext"), db.query("SELECT tgname FROM pg_trigger WHERE tgrelid = '" + table
                + "'::regclass AND NOT tgisinternal ORDER BY tgname"));
        // The user trigger did not touch the loaded rows, but it is live again for CKAN's upserts.
        db.writerExecute("INSERT INTO " + table + " (name) VALUES ('lower')");
        assertEquals("1", db.queryOne("SELECT count(*) FROM " + table + " WHERE name = 'LOWER'"));

        assertEquals("job-2", loader.describe(rid).orElseThrow().marker().orElseThrow().jobId());
        assertEquals("0", db.queryOne("SELECT count(*) FROM pg_class WHERE relname LIKE 'dpw\\_%'"));
    }

    @Test
    void aTriggerKeepsWhetherItIsDisabledOrFiresOnReplicasOrAlways() throws Exception {
        db.writerExecute(
                "CREATE FUNCTION public.keep_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
                "CREATE TRIGGER t_disabled BEFORE INSERT ON " + table + " FOR EACH ROW EXECUTE FUNCTION public.keep_row()",
                "CREATE TRIGGER t_replica BEFORE INSERT ON " + table + " FOR EACH ROW EXECUTE FUNCTION public.keep_row()",
                "CREATE TRIGGER t_always BEFORE INSERT ON " + table + " FOR EACH ROW EXECUTE FUNCTION public.keep_row()",
                "CREATE TRIGGER t_enabled BEFORE INSERT ON " + table + " FOR EACH ROW EXECUTE FUNCTION public.keep_row()",
                "ALTER TABLE " + table + " DISABLE TRIGGER t_disabled",
                "ALTER TABLE " + table + " ENABLE REPLICA TRIGGER t_replica",
                "ALTER TABLE " + table + " ENABLE ALWAYS TRIGGER t_always");
        String states = "SELECT string_agg(tgname || '=' || tgenabled::text, ',' ORDER BY tgname) FROM pg_trigger"
                + " WHERE tgrelid = '" + table + "'::regclass AND tgname LIKE 't\\_%'";
        assertEquals("t_always=A,t_disabled=D,t_enabled=O,t_replica=R", db.queryOne(states));

        LoadResult result = loader.load(new LoadRequest(rid, "job-2", "hash-2", TestAnalysis.builder()
                .column("name", "name", ColumnType.TEXT)
                .column("amount", "amount", ColumnType.INTEGER)
                .column("code", "code", ColumnType.TEXT)
                .row("c", "3", "009")
                .build(), CkanVersion.of(2, 10)));

        assertTrue(result.replaced());
        assertEquals("t_always=A,t_disabled=D,t_enabled=O,t_replica=R", db.queryOne(states));
    }

    @Test
    void reloadWithTheSameDictionaryIn211FormatKeepsCommentsAndLabelsNewColumns() throws Exception {
        String comment211 = " {\"_info\":{\"label\":\"Amount\",\"notes\":\"\",\"type_override\":\"text\"},\"tabledesigner\":{\"x\":1}}";
        db.writerExecute("COMMENT ON COLUMN " + table + ".\"amount\" IS " + Sql.quoteLiteral(comment211));

        loader.load(new LoadRequest(rid, "job-2", "hash-2", TestAnalysis.builder()
                .column("amount", "amount", ColumnType.INTEGER)
                .column("new one", "New one", ColumnType.DATE)
                .row("12", "2024-05-01")
                .build(), CkanVersion.of(2, 11)));

        assertEquals(List.of("amount|" + comment211, "new one| {\"_info\":{\"label\":\"New one\"}}"), comments());
        assertEquals("text", db.queryOne("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = '"
                + table + "'::regclass AND attname = 'amount'"));
    }

    private List<String> comments() throws Exception {
        return db.query("SELECT attname, col_description(attrelid, attnum) FROM pg_attribute WHERE attrelid = '"
                + table + "'::regclass AND attnum > 2 AND NOT attisdropped ORDER BY attnum");
    }

    private String acl(String relation) throws Exception {
        return String.join(",", db.query("SELECT coalesce(r.rolname, 'PUBLIC') || ':' || a.privilege_type || ':' || a.is_grantable"
                + " FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a"
                + " LEFT JOIN pg_roles r ON r.oid = a.grantee WHERE c.relname = '" + relation + "' ORDER BY 1"));
    }
}
