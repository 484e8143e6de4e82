package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.analyze.ColumnType;
import io.datapusher.worker.testsupport.LoaderTestBase;
import io.datapusher.worker.testsupport.TestAnalysis;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The live table's ACL is carried over to the new table, but the write role, which owns the new
 * table and is the role CKAN's datastore_upsert and datastore_create connect as, never loses its
 * own privileges, even when the old table belonged to another role.
 */
class OwnerPrivilegesTest extends LoaderTestBase {

    @Test
    void theWriteRoleKeepsItsPrivilegesOnATableTakenOverFromAnotherOwner() throws Exception {
        String table = "\"" + rid + "\"";
        loader.load(new LoadRequest(rid, "job-1", "hash-1", oneRow("a"), CkanVersion.of(2, 11)));
        // The table as an earlier write role left it: owned by that role, whose member the current write role is.
        String oldOwner = db.createRole("dpw_old_owner");
        try (Connection admin = db.asSuperuser(); Statement st = admin.createStatement()) {
            st.execute("GRANT " + oldOwner + " TO " + db.writeUser());
            st.execute("ALTER TABLE " + table + " OWNER TO " + oldOwner);
        }
        assertEquals(List.of(oldOwner + "|arwdDxt", db.readUser() + "|r"), directPrivileges(table));

        loader.load(new LoadRequest(rid, "job-2", "hash-2", oneRow("b"), CkanVersion.of(2, 11)));

        assertEquals(db.writeUser(), db.queryOne("SELECT relowner::regrole::text FROM pg_class WHERE oid = '" + table + "'::regclass"));
        assertEquals(List.of(oldOwner + "|arwdDxt", db.readUser() + "|r", db.writeUser() + "|arwdDxt"), directPrivileges(table));
    }

    private static Analysis oneRow(String value) {
        return TestAnalysis.builder().column("v", "v", ColumnType.TEXT).row(value).build();
    }

    /** Privileges granted to each role itself (not through membership), in aclitem letters. */
    private List<String> directPrivileges(String table) throws Exception {
        return db.query("SELECT r.rolname, string_agg(substr('arwdDxt', p.n, 1), '' ORDER BY p.n)"
                + " FROM pg_class c, aclexplode(c.relacl) a JOIN pg_roles r ON r.oid = a.grantee,"
                + " LATERAL (SELECT array_position(ARRAY['INSERT','SELECT','UPDATE','DELETE','TRUNCATE','REFERENCES','TRIGGER'],"
                + " a.privilege_type::text)) p(n)"
                + " WHERE c.oid = '" + table + "'::regclass GROUP BY r.rolname ORDER BY r.rolname");
    }
}
