package io.datapusher.worker.datastore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Reads what the load must carry over from the live table, straight from the catalogs. */
final class LiveTableReader {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Connection connection;

    LiveTableReader(Connection connection) {
        this.connection = connection;
    }

    /** The oid of {@code public."<name>"} when it is an ordinary table. */
    OptionalLong tableOid(String name) throws SQLException {
        Optional<Long> oid = Jdbc.one(connection,
                "SELECT c.oid, c.relkind FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = ? AND c.relname = ?",
                row -> {
                    String kind = row.getString(2);
                    if (!"r".equals(kind)) {
                        throw new SQLException("public.\"" + name + "\" exists but is not a table (relkind " + kind + ")", "42809");
                    }
                    return row.getLong(1);
                }, Sql.SCHEMA, name);
        return oid.isPresent() ? OptionalLong.of(oid.get()) : OptionalLong.empty();
    }

    Optional<LiveTable> describe(String resourceId) throws SQLException {
        OptionalLong oid = tableOid(resourceId);
        if (oid.isEmpty()) {
            return Optional.empty();
        }
        List<LiveTable.Column> columns = Jdbc.list(connection,
                "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), pg_catalog.col_description(a.attrelid, a.attnum)"
                        + " FROM pg_catalog.pg_attribute a WHERE a.attrelid = ?::oid AND a.attnum > 0 AND NOT a.attisdropped"
                        + " ORDER BY a.attnum",
                row -> new LiveTable.Column(row.getString(1), row.getString(2), row.getString(3),
                        ColumnComments.typeOverride(row.getString(3))),
                oid.getAsLong());
        columns.removeIf(column -> column.id().equals("_id") || column.id().equals("_full_text"));
        return Optional.of(new LiveTable(resourceId, List.copyOf(columns), marker(tableComment(oid.getAsLong()))));
    }

    String tableComment(long oid) throws SQLException {
        return Jdbc.single(connection, "SELECT pg_catalog.obj_description(?::oid, 'pg_class')", row -> row.getString(1), oid);
    }

    static Optional<LiveTable.Marker> marker(String tableComment) {
        if (tableComment == null) {
            return Optional.empty();
        }
        try {
            JsonNode mine = JSON.readTree(tableComment).path("datapusher_worker");
            if (!mine.isObject()) {
                return Optional.empty();
            }
            Map<String, String> pending = new LinkedHashMap<>();
            mine.path("pending_indexes").fields().forEachRemaining(e -> pending.put(e.getKey(), e.getValue().asText()));
            return Optional.of(new LiveTable.Marker(mine.path("job_id").asText(null), mine.path("hash").asText(null),
                    instant(mine.path("loaded_at").asText(null)), instant(mine.path("job_created_at").asText(null)),
                    Map.copyOf(pending)));
        } catch (Exception notOurs) {
            return Optional.empty();
        }
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }

    /** Column comments by column id, including null ones, as they are right now. */
    Map<String, String> columnComments(long oid) throws SQLException {
        List<Map.Entry<String, String>> rows = Jdbc.list(connection,
                "SELECT a.attname, pg_catalog.col_description(a.attrelid, a.attnum) FROM pg_catalog.pg_attribute a"
                        + " WHERE a.attrelid = ?::oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
                row -> new AbstractMap.SimpleImmutableEntry<>(row.getString(1), row.getString(2)), oid);
        Map<String, String> comments = new LinkedHashMap<>();
        rows.forEach(column -> comments.put(column.getKey(), column.getValue()));
        return comments;
    }

    /**
     * The table's indexes with the part of their definition after the table name, so the same
     * index can be built on another table without parsing SQL.
     */
    List<LiveIndex> indexes(long oid) throws SQLException {
        return Jdbc.list(connection,
                "SELECT ic.relname, i.indisunique, i.indisprimary, pg_catalog.pg_get_indexdef(i.indexrelid),"
                        + " pg_catalog.format('CREATE %sINDEX %s ON %s.%s ', CASE WHEN i.indisunique THEN 'UNIQUE ' ELSE '' END,"
                        + "   pg_catalog.quote_ident(ic.relname), pg_catalog.quote_ident(n.nspname), pg_catalog.quote_ident(t.relname)),"
                        + " ARRAY(SELECT a.attname FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_attribute a"
                        + "   ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
                        + "   WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = i.indexrelid"
                        + "   AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = i.indrelid AND d.refobjsubid > 0"
                        + "   UNION SELECT a.attname FROM pg_catalog.pg_attribute a"
                        + "   WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[]) AND a.attnum > 0),"
                        // Each key in order: a plain column's name, or the column of CKAN's json key form (("c").json::text).
                        + " ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)"
                        + "   LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum > 0"
                        + "   WHERE k.ord <= i.indnkeyatts ORDER BY k.ord),"
                        + " ARRAY(SELECT (SELECT j.attname FROM pg_catalog.pg_attribute j WHERE j.attrelid = i.indrelid"
                        + "     AND k.attnum = 0 AND j.attnum > 0 AND NOT j.attisdropped"
                        + "     AND pg_catalog.pg_get_indexdef(i.indexrelid, k.ord::int, false)"
                        + "       = '(((' || pg_catalog.quote_ident(j.attname) || ').json)::text)')"
                        + "   FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord) WHERE k.ord <= i.indnkeyatts ORDER BY k.ord)"
                        + " FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid"
                        + " JOIN pg_catalog.pg_class t ON t.oid = i.indrelid JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace"
                        + " WHERE i.indrelid = ?::oid ORDER BY ic.relname",
                row -> {
                    String definition = row.getString(4);
                    String prefix = row.getString(5);
                    String tail = definition.startsWith(prefix) ? definition.substring(prefix.length()) : null;
                    return new LiveIndex(row.getString(1), row.getBoolean(2), row.getBoolean(3), definition, tail,
                            strings(row.getArray(6)), ckanFields(row.getArray(7), row.getArray(8)));
                }, oid);
    }

    /** Views that depend on the table, directly or through other views, parents before children. */
    List<DependentView> dependentViews(long oid) throws SQLException {
        return Jdbc.list(connection,
                "WITH RECURSIVE deps(oid, depth) AS ("
                        + "  SELECT r.ev_class, 1 FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid"
                        + "   WHERE d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass"
                        + "   AND d.refobjid = ?::oid AND r.ev_class <> d.refobjid"
                        + "  UNION"
                        + "  SELECT r.ev_class, deps.depth + 1 FROM deps JOIN pg_catalog.pg_depend d ON d.refobjid = deps.oid"
                        + "   AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.classid = 'pg_catalog.pg_rewrite'::regclass"
                        + "   JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid WHERE r.ev_class <> deps.oid AND deps.depth < 100)"
                        + " SELECT c.oid, n.nspname, c.relname, c.relkind, pg_catalog.pg_get_viewdef(c.oid), c.reloptions,"
                        + "  pg_catalog.obj_description(c.oid, 'pg_class'), min(deps.depth) = 1, max(deps.depth)"
                        + " FROM deps JOIN pg_catalog.pg_class c ON c.oid = deps.oid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                        + " GROUP BY c.oid, n.nspname, c.relname, c.relkind, c.reloptions"
                        + " ORDER BY max(deps.depth), c.oid",
                row -> new DependentView(row.getLong(1), row.getString(2), row.getString(3), row.getString(4),
                        row.getString(5), strings(row.getArray(6)), row.getString(7), row.getBoolean(8),
                        acl(row.getLong(1))),
                oid);
    }

    /** The effective privileges on a relation; a NULL relacl means the owner's defaults. */
    List<AclEntry> acl(long oid) throws SQLException {
        return Jdbc.list(connection,
                "SELECT CASE WHEN a.grantee = 0 THEN NULL ELSE pg_catalog.pg_get_userbyid(a.grantee) END, a.privilege_type, a.is_grantable"
                        + " FROM pg_catalog.pg_class c,"
                        + " LATERAL pg_catalog.aclexplode(coalesce(c.relacl, pg_catalog.acldefault('r', c.relowner))) a"
                        + " WHERE c.oid = ?::oid ORDER BY 1, 2",
                row -> new AclEntry(row.getString(1), row.getString(2), row.getBoolean(3)), oid);
    }

    /** Triggers a curator or CKAN's {@code triggers} option added; {@code zfulltext} is ours to create. */
    List<UserTrigger> userTriggers(long oid) throws SQLException {
        return Jdbc.list(connection,
                "SELECT t.tgname, pg_catalog.pg_get_triggerdef(t.oid), t.tgenabled FROM pg_catalog.pg_trigger t"
                        + " WHERE t.tgrelid = ?::oid AND NOT t.tgisinternal AND t.tgname <> 'zfulltext' ORDER BY t.tgname",
                row -> new UserTrigger(row.getString(1), row.getString(2), row.getString(3)), oid);
    }

    /** Foreign keys of other tables that point at this one; DROP ... CASCADE would silently remove them. */
    List<String> referencingForeignKeys(long oid) throws SQLException {
        return Jdbc.list(connection,
                "SELECT con.conname || ' on ' || con.conrelid::regclass::text FROM pg_catalog.pg_constraint con"
                        + " WHERE con.confrelid = ?::oid AND con.contype = 'f' AND con.conrelid <> con.confrelid",
                row -> row.getString(1), oid);
    }

    /**
     * The fields string CKAN's {@code create_indexes} builds for an index on these keys: each column
     * quoted, a json column as {@code (("c").json::text)}, joined by {@code ", "}. Empty when a key
     * is an expression CKAN never writes.
     */
    private static Optional<String> ckanFields(Array plainColumns, Array jsonColumns) throws SQLException {
        String[] plain = (String[]) plainColumns.getArray();
        String[] json = (String[]) jsonColumns.getArray();
        List<String> fields = new ArrayList<>();
        for (int k = 0; k < plain.length; k++) {
            if (plain[k] != null) {
                fields.add(Sql.quoteIdent(plain[k]));
            } else if (json[k] != null) {
                fields.add("((" + Sql.quoteIdent(json[k]) + ").json::text)");
            } else {
                return Optional.empty();
            }
        }
        return fields.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", fields));
    }

    private static List<String> strings(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        return List.copyOf(Arrays.asList((String[]) array.getArray()));
    }

    /**
     * @param columns    every column the index uses, in no particular order
     * @param ckanFields the fields string CKAN would have hashed into this index's name, when its keys are ones CKAN writes
     */
    record LiveIndex(String name, boolean unique, boolean primary, String definition, String definitionAfterTable,
                     List<String> columns, Optional<String> ckanFields) {

        /**
         * Whether this is a Data Dictionary {@code primary_key}: CKAN stores one only as a unique index
         * named after the resource id and its columns. DataPusher+'s unique indexes on columns that
         * merely happened to be distinct are named by PostgreSQL, so they never match.
         */
        boolean isCkanPrimaryKey(String resourceId) {
            return unique && !primary && ckanFields.map(f -> IndexNames.ckanName(resourceId, f).equals(name)).orElse(false);
        }
    }

    /**
     * @param direct whether it selects from the table itself (only those can be CKAN aliases)
     */
    record DependentView(long oid, String schema, String name, String relkind, String definition, List<String> options,
                         String comment, boolean direct, List<AclEntry> acl) {

        String qualifiedName() {
            return Sql.quoteIdent(schema) + "." + Sql.quoteIdent(name);
        }
    }

    /** @param grantee role name, or null for PUBLIC */
    record AclEntry(String grantee, String privilege, boolean grantable) {
    }

    /** @param enabled {@code pg_trigger.tgenabled}: O, D, R or A */
    record UserTrigger(String name, String definition, String enabled) {
    }
}
