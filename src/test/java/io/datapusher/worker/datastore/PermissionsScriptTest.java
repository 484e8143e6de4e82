package io.datapusher.worker.datastore;

import io.datapusher.worker.testsupport.DatastoreTestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** deploy/postgres/datastore-permissions.sql sets roles up the way CKAN expects them. */
class PermissionsScriptTest {

    private DatastoreTestDatabase db;

    @BeforeEach
    void setUp() throws Exception {
        db = new DatastoreTestDatabase();
    }

    @AfterEach
    void tearDown() throws Exception {
        db.close();
    }

    @Test
    void writeRoleOwnsHelpersAndItsTablesAreReadableButNotWritableByTheReadRole() throws Exception {
        assertEquals(db.writeUser(), db.queryOne("SELECT proowner::regrole::text FROM pg_proc WHERE proname = 'populate_full_text_trigger'"));
        assertEquals(db.writeUser(), db.queryOne("SELECT relowner::regrole::text FROM pg_class WHERE relname = '_table_metadata'"));
        db.writerExecute("CREATE TABLE t (a int)", "INSERT INTO t VALUES (1)");

        try (Connection reader = db.asReader()) {
            assertEquals(java.util.List.of("1"), DatastoreTestDatabase.query(reader, "SELECT a FROM t"));
            assertEquals(java.util.List.of("t"), DatastoreTestDatabase.query(reader,
                    "SELECT name FROM \"_table_metadata\" WHERE name = 't'"));
            assertEquals("42501", sqlState(reader, "INSERT INTO t VALUES (2)"));
            assertEquals("42501", sqlState(reader, "CREATE TABLE r (a int)"));
        }
        try (Connection writer = db.asWriter()) {
            assertEquals("42501", sqlState(writer, "CREATE SCHEMA elsewhere"));
        }
    }

    @Test
    void scriptCanRunTwice() throws Exception {
        db.applyPermissionsScript();
        assertEquals(db.writeUser(), db.queryOne("SELECT relowner::regrole::text FROM pg_class WHERE relname = '_table_metadata'"));
    }

    private static String sqlState(Connection c, String sql) {
        SQLException e = assertThrows(SQLException.class, () -> {
            try (Statement st = c.createStatement()) {
                st.execute(sql);
            }
        });
        return e.getSQLState();
    }
}
