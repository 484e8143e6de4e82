package io.datapusher.worker.datastore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;

/**
 * The table a load builds, and where it is built until the swap puts it in the live table's place:
 * <ul>
 *   <li><b>staged</b>: committed in the worker's own schema ({@link Sql#STAGING_SCHEMA}) under the
 *       resource id, so that several connections can fill and index it at once; its sequence,
 *       primary key and indexes already have CKAN's names, which the schema keeps apart from the
 *       live table's. CKAN never lists or serves a table outside {@code public}.</li>
 *   <li><b>in the load's transaction</b>: uncommitted in {@code public} under a temporary name,
 *       invisible to everyone else, renamed at the swap.</li>
 * </ul>
 */
final class NewTable {

    private final String resourceId;
    private final String schema;
    private final String name;
    private final List<LoadResult.Column> columns;

    private NewTable(String resourceId, String schema, String name, List<LoadResult.Column> columns) {
        this.resourceId = resourceId;
        this.schema = schema;
        this.name = name;
        this.columns = List.copyOf(columns);
    }

    static NewTable staged(String resourceId, List<LoadResult.Column> columns) {
        return new NewTable(resourceId, Sql.STAGING_SCHEMA, resourceId, columns);
    }

    /** A kept version that a restore brings back: it is in the history schema, under its kept name. */
    static NewTable kept(String resourceId, String keptName, List<LoadResult.Column> columns) {
        return new NewTable(resourceId, Sql.HISTORY_SCHEMA, keptName, columns);
    }

    /** @param jobId makes the temporary name unique per job */
    static NewTable inTransaction(String resourceId, String jobId, List<LoadResult.Column> columns) {
        // at most 63 bytes, and never starting with '_' (CKAN hides those)
        return new NewTable(resourceId, Sql.SCHEMA, "dpw_" + md5(resourceId + "/" + jobId), columns);
    }

    boolean isStaged() {
        return !Sql.SCHEMA.equals(schema);
    }

    String resourceId() {
        return resourceId;
    }

    String schema() {
        return schema;
    }

    String name() {
        return name;
    }

    List<LoadResult.Column> columns() {
        return columns;
    }

    String qualified() {
        return Sql.quoteIdent(schema) + "." + Sql.quoteIdent(name);
    }

    /** The name an index has while the table is built: its CKAN name when staged, else a temporary one. */
    String buildName(String ckanName, int ordinal) {
        return isStaged() ? ckanName : name + "_i" + ordinal;
    }

    /** A name for short-lived probes in {@code public} (rolled back at once), unique to this resource. */
    String probeName(String purpose) {
        return "dpw_" + purpose + "_" + md5(resourceId).substring(0, 16);
    }

    /** CKAN's layout: {@code _id serial primary key}, {@code _full_text tsvector}, the columns, and CKAN's full-text trigger. */
    void create(Connection connection) throws SQLException {
        StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(qualified())
                .append(" (\"_id\" serial primary key, \"_full_text\" tsvector");
        for (LoadResult.Column column : columns) {
            ddl.append(", ").append(Sql.quoteIdent(column.id())).append(' ').append(column.type().sqlName());
        }
        ddl.append(')');
        try (Statement st = connection.createStatement()) {
            st.execute(ddl.toString());
            // CKAN's own trigger fills _full_text during COPY, so it matches CKAN by construction.
            st.execute("CREATE TRIGGER zfulltext BEFORE INSERT OR UPDATE ON " + qualified()
                    + " FOR EACH ROW EXECUTE PROCEDURE public.populate_full_text_trigger()");
        }
    }

    /**
     * @param withIds whether each record starts with its {@code _id}, as when several connections
     *                fill the table and the file's order must still be the rows' order
     */
    String copySql(boolean withIds, boolean freeze) {
        StringBuilder sql = new StringBuilder("COPY ").append(qualified()).append(" (");
        if (withIds) {
            sql.append("\"_id\"");
        }
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 && !withIds ? "" : ", ").append(Sql.quoteIdent(columns.get(i).id()));
        }
        return sql.append(") FROM STDIN WITH (FORMAT csv").append(freeze ? ", FREEZE true" : "").append(')').toString();
    }

    private static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is missing from this JVM", e);
        }
    }
}
