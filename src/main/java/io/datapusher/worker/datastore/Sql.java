package io.datapusher.worker.datastore;

/**
 * Quoting for the few places where SQL text must carry a name or a literal. Every identifier the
 * worker writes goes through {@link #quoteIdent}, whatever its origin, because column ids come
 * from file headers.
 */
public final class Sql {

    /** The only schema CKAN's DataStore uses and lists. */
    public static final String SCHEMA = "public";

    /**
     * The worker's own schema, where a new table is built committed before the swap moves it into
     * {@link #SCHEMA}. CKAN never looks outside {@code public}.
     */
    public static final String STAGING_SCHEMA = "datapusher_staging";

    /**
     * The worker's schema for replaced tables, kept so that a load can be undone; a table there
     * becomes live again only through a restore. CKAN never looks outside {@code public}.
     */
    public static final String HISTORY_SCHEMA = "datapusher_history";

    private Sql() {
    }

    /** {@code "name"} with embedded quotes doubled, like CKAN's {@code identifier()}. */
    public static String quoteIdent(String name) {
        refuseNul(name);
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** {@code public."name"}: always qualified so a role-named schema on the path cannot shadow it. */
    public static String publicTable(String name) {
        return quoteIdent(SCHEMA) + "." + quoteIdent(name);
    }

    /**
     * A standard string literal, for statements that take no bind parameters (COMMENT ON).
     * Correct only with {@code standard_conforming_strings = on}, which the loader makes sure of.
     */
    public static String quoteLiteral(String value) {
        refuseNul(value);
        return '\'' + value.replace("'", "''") + '\'';
    }

    /** PostgreSQL's own one-line message, without pgjdbc's "ERROR:" prefix and position lines. */
    public static String serverMessage(java.sql.SQLException e) {
        if (e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null
                && p.getServerErrorMessage().getMessage() != null) {
            return p.getServerErrorMessage().getMessage();
        }
        return String.valueOf(e.getMessage());
    }

    private static void refuseNul(String s) {
        if (s.indexOf('\0') >= 0) {
            // PostgreSQL text cannot hold NUL; failing here beats a confusing server error.
            throw new IllegalArgumentException("SQL text cannot contain the NUL character");
        }
    }
}
