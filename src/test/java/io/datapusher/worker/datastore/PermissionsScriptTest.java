package io.datapusher.worker.datastore;

import io.datapusher.worker.testsupport.CkanRelease;
import io.datapusher.worker.testsupport.DatastoreTestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * deploy/postgres/datastore-permissions.sql (CKAN 2.10 and 2.11) and datastore-permissions-2.12.sql
 * set roles, helpers and, for 2.12, the row-count cache up the way each CKAN expects them.
 */
class PermissionsScriptTest {

    @ParameterizedTest
    @EnumSource(CkanRelease.class)
    void writeRoleOwnsHelpersAndItsTablesAreReadableButNotWritableByTheReadRole(CkanRelease release) throws Exception {
        try (DatastoreTestDatabase db = new DatastoreTestDatabase(release)) {
            assertEquals(db.writeUser(), db.queryOne("SELECT proowner::regrole::text FROM pg_proc WHERE proname = 'populate_full_text_trigger'"));
            assertEquals(db.writeUser(), db.queryOne("SELECT relowner::regrole::text FROM pg_class WHERE relname = '_table_metadata'"));
            db.writerExecute("CREATE TABLE t (a int)", "INSERT INTO t VALUES (1)");

            try (Connection reader = db.asReader()) {
                assertEquals(List.of("1"), DatastoreTestDatabase.query(reader, "SELECT a FROM t"));
                assertEquals(List.of("t"), DatastoreTestDatabase.query(reader,
                        "SELECT name FROM \"_table_metadata\" WHERE name = 't'"));
                assertEquals("42501", sqlState(reader, "INSERT INTO t VALUES (2)"));
                assertEquals("42501", sqlState(reader, "CREATE TABLE r (a int)"));
            }
            // as the owner of its database (CKAN's documented createdb -O), it may make the worker's staging schema
            db.writerExecute("CREATE SCHEMA datapusher_staging", "DROP SCHEMA datapusher_staging");
        }
    }

    @ParameterizedTest
    @EnumSource(CkanRelease.class)
    void scriptCanRunTwice(CkanRelease release) throws Exception {
        try (DatastoreTestDatabase db = new DatastoreTestDatabase(release)) {
            db.applyPermissionsScript();
            assertEquals(db.writeUser(), db.queryOne("SELECT relowner::regrole::text FROM pg_class WHERE relname = '_table_metadata'"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = CkanRelease.class, names = {"CKAN_2_10", "CKAN_2_11"})
    void before212NoRowCountCacheAndUnderscoreTablesAreListed(CkanRelease release) throws Exception {
        try (DatastoreTestDatabase db = new DatastoreTestDatabase(release)) {
            db.writerExecute("CREATE TABLE \"_helper\" (a int)");
            assertEquals("<null>", db.queryOne("SELECT to_regclass('public._table_stats')"));
            assertEquals("1", db.queryOne("SELECT count(*) FROM \"_table_metadata\" WHERE name = '_helper'"));
        }
    }

    @Test
    void ckan212HidesUnderscoreRelationsFromTableMetadata() throws Exception {
        try (DatastoreTestDatabase db = new DatastoreTestDatabase(CkanRelease.CKAN_2_12)) {
            db.writerExecute("CREATE TABLE \"_helper\" (a int)", "CREATE TABLE visible (a int)");
            assertEquals(List.of("visible"), db.query("SELECT name FROM \"_table_metadata\" ORDER BY name"));
        }
    }

    @Test
    void ckan212CachesRowCountsPerTableNameLikeCkansFunctions() throws Exception {
        try (DatastoreTestDatabase db = new DatastoreTestDatabase(CkanRelease.CKAN_2_12)) {
            assertEquals(db.writeUser(), db.queryOne("SELECT relowner::regrole::text FROM pg_class WHERE relname = '_table_stats'"));
            assertEquals(List.of(db.writeUser() + "|cached_table_row_count", db.writeUser() + "|update_cached_table_row_count",
                            db.writeUser() + "|update_table_stats"),
                    db.query("SELECT proowner::regrole::text, proname FROM pg_proc WHERE proname IN ('cached_table_row_count', 'update_cached_table_row_count', 'update_table_stats') ORDER BY proname"));
            try (Connection writer = db.asWriter()) {
                execute(writer, "CREATE TABLE \"Mixed Case\" (a int)", "INSERT INTO \"Mixed Case\" VALUES (1), (2)");
                assertEquals(List.of("2"), DatastoreTestDatabase.query(writer, "SELECT cached_table_row_count('Mixed Case')"));
                assertEquals(List.of("Mixed Case|{\"rows\": 2}"), DatastoreTestDatabase.query(writer, "SELECT * FROM \"_table_stats\""));

                // Cached: a later insert is not seen until CKAN clears the row, and update_table_stats does not recount.
                execute(writer, "INSERT INTO \"Mixed Case\" VALUES (3)");
                assertEquals(List.of("t"), DatastoreTestDatabase.query(writer, "SELECT update_table_stats('Mixed Case')"));
                assertEquals(List.of("2"), DatastoreTestDatabase.query(writer, "SELECT cached_table_row_count('Mixed Case')"));

                // Other statistics survive a recount.
                execute(writer, "UPDATE \"_table_stats\" SET stats = '{\"rows\": 9, \"other\": 1}'");
                assertEquals(List.of("3"), DatastoreTestDatabase.query(writer, "SELECT update_cached_table_row_count('Mixed Case')"));
                assertEquals(List.of("{\"rows\": 3, \"other\": 1}"), DatastoreTestDatabase.query(writer, "SELECT stats FROM \"_table_stats\""));

                execute(writer, "DELETE FROM \"_table_stats\"");
                assertEquals(List.of("3"), DatastoreTestDatabase.query(writer, "SELECT cached_table_row_count('Mixed Case')"));
            }
        }
    }

    @Test
    void ckan212RetrofitsTheFullTextTriggerOntoResourceTablesOnly() throws Exception {
        try (DatastoreTestDatabase db = new DatastoreTestDatabase(CkanRelease.CKAN_2_12)) {
            db.writerExecute("CREATE TABLE \"Old \"\"table\"\"\" (_id serial, _full_text tsvector, a text)",
                    "CREATE TABLE \"_helper\" (a int)");
            db.applyPermissionsScript();
            assertEquals(List.of("Old \"table\"|zfulltext"), db.query("SELECT c.relname, t.tgname FROM pg_trigger t"
                    + " JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal ORDER BY 1"));
            db.writerExecute("INSERT INTO \"Old \"\"table\"\"\" (a) VALUES ('hello world')");
            assertEquals("'hello':1 'world':2", db.queryOne("SELECT _full_text FROM \"Old \"\"table\"\"\""));
        }
    }

    private static void execute(Connection c, String... sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
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
