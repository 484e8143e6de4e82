package io.datapusher.worker.testsupport;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * A throw-away DataStore database on the test PostgreSQL: a fresh database, a write role and a
 * read role with passwords, prepared with the permissions script of a CKAN release
 * ({@code deploy/postgres/datastore-permissions*.sql}; CKAN 2.11's unless told otherwise).
 * {@link #close()} removes all three, so tests never see each other's leftovers.
 *
 * <p>Connection settings come from {@code DPW_TEST_PG_HOST}, {@code DPW_TEST_PG_PORT},
 * {@code DPW_TEST_PG_USER} and {@code DPW_TEST_PG_PASSWORD} (a superuser).
 */
public final class DatastoreTestDatabase implements AutoCloseable {

    // Wherever TestServices says PostgreSQL is: a container when Docker answers, else DPW_TEST_PG_*.
    private final String host = TestServices.postgres().host();
    private final int port = TestServices.postgres().port();
    private final String superUser = TestServices.postgres().user();
    private final String superPassword = TestServices.postgres().password();
    private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final String database = "dpw_test_" + suffix;
    private final String writeUser = "dpw_write_" + suffix;
    private final String readUser = "dpw_read_" + suffix;
    private final String writePassword = "w-" + UUID.randomUUID();
    private final String readPassword = "r-" + UUID.randomUUID();
    private final List<String> extraRoles = new ArrayList<>();
    private final CkanRelease release;

    public DatastoreTestDatabase() throws SQLException, IOException {
        this(CkanRelease.CKAN_2_11);
    }

    public DatastoreTestDatabase(CkanRelease release) throws SQLException, IOException {
        this.release = release;
        try (Connection admin = connect("postgres", superUser, superPassword); Statement st = admin.createStatement()) {
            st.execute("CREATE ROLE " + writeUser + " LOGIN PASSWORD '" + writePassword + "'");
            st.execute("CREATE ROLE " + readUser + " LOGIN PASSWORD '" + readPassword + "'");
            // CKAN's documented setup: `createdb -O <write user> datastore_default`
            st.execute("CREATE DATABASE " + database + " OWNER " + writeUser);
        }
        applyPermissionsScript();
    }

    /**
     * Takes back the write role's right to create schemas in its database, as on a site where it
     * does not own it: the worker then loads in one transaction instead of staging.
     */
    public DatastoreTestDatabase withoutSchemaCreation() throws SQLException {
        try (Connection admin = connect("postgres", superUser, superPassword); Statement st = admin.createStatement()) {
            st.execute("ALTER DATABASE " + database + " OWNER TO " + superUser);
            st.execute("REVOKE CREATE ON DATABASE " + database + " FROM PUBLIC");
        }
        return this;
    }

    /** Runs the release's permissions script as the superuser, as the docker init script does. */
    public void applyPermissionsScript() throws SQLException, IOException {
        String script = Files.readString(release.permissionsScript())
                .replace("{writeuser}", writeUser)
                .replace("{readuser}", readUser)
                .replace("{datastoredb}", database);
        try (Connection c = asSuperuser(); Statement st = c.createStatement()) {
            st.execute(script);
        }
    }

    /** CKAN's {@code ckan.datastore.write_url} for this database. */
    public String writeUrl() {
        return "postgresql://" + URLEncoder.encode(writeUser, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(writePassword, StandardCharsets.UTF_8) + "@" + host + ":" + port + "/" + database;
    }

    public CkanRelease release() {
        return release;
    }

    public String database() {
        return database;
    }

    public String writeUser() {
        return writeUser;
    }

    public String readUser() {
        return readUser;
    }

    public Connection asSuperuser() throws SQLException {
        return connect(database, superUser, superPassword);
    }

    public Connection asWriter() throws SQLException {
        return connect(database, writeUser, writePassword);
    }

    public Connection asReader() throws SQLException {
        return connect(database, readUser, readPassword);
    }

    /** A login role dropped again by {@link #close()}, e.g. to receive a curator's GRANT. */
    public String createRole(String prefix) throws SQLException {
        String role = prefix + "_" + suffix;
        try (Connection c = asSuperuser(); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'x'");
        }
        extraRoles.add(role);
        return role;
    }

    /** Runs statements as the write role, each committed on its own. */
    public void writerExecute(String... sql) throws SQLException {
        try (Connection c = asWriter(); Statement st = c.createStatement()) {
            for (String s : sql) {
                st.execute(s);
            }
        }
    }

    /** The rows of a query as the superuser, each row its columns joined by '|', NULL as "<null>". */
    public List<String> query(String sql) throws SQLException {
        try (Connection c = asSuperuser()) {
            return query(c, sql);
        }
    }

    public static List<String> query(Connection c, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    String v = rs.getString(i);
                    row.append(i > 1 ? "|" : "").append(v == null ? "<null>" : v);
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    public String queryOne(String sql) throws SQLException {
        List<String> rows = query(sql);
        if (rows.size() != 1) {
            throw new AssertionError("expected one row from " + sql + " but got " + rows);
        }
        return rows.get(0);
    }

    @Override
    public void close() throws SQLException {
        try (Connection admin = connect("postgres", superUser, superPassword); Statement st = admin.createStatement()) {
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database
                    + "' AND pid <> pg_backend_pid()");
            st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            for (String role : extraRoles) {
                st.execute("DROP ROLE IF EXISTS " + role);
            }
            st.execute("DROP ROLE IF EXISTS " + writeUser);
            st.execute("DROP ROLE IF EXISTS " + readUser);
        }
    }

    private Connection connect(String db, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null && !password.isEmpty()) {
            props.setProperty("password", password);
        }
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/" + db, props);
    }
}
