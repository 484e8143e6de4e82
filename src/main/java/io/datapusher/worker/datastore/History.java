package io.datapusher.worker.datastore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jboss.logging.Logger;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The replaced tables the worker keeps, so that a load can be undone. The swap moves the live
 * table into {@link Sql#HISTORY_SCHEMA} instead of dropping it, in its own transaction: renamed
 * (the table after its resource and a random key, its indexes and sequence after the key alone)
 * so that several versions of a resource can be kept side by side, with its column comments, its
 * marker and its grants as they were. A small catalog table beside them records what each is.
 * CKAN looks only in {@code public}, so it never lists or serves a kept table, and the worker's
 * read role has no usage on the schema.
 *
 * <p>An incremental load changes the live table in place and replaces nothing: it records its
 * change instead ({@link Delta}, undone by {@link InPlaceUndo}), as an entry whose {@code kind} is
 * its path. Such a change applies only to the table it changed, so once a swap replaces that
 * table the sweep drops it.
 *
 * <p>Every DDL here names the history schema explicitly: nothing this class drops can be a live
 * or a staging table.
 */
public class History {

    private static final Logger LOG = Logger.getLogger(History.class);
    private static final String CATALOG = "_versions";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    /** Leaves room for the {@code _h} and key that follow, within PostgreSQL's 63 bytes. */
    private static final int MAX_PREFIX_BYTES = 48;

    private final DatastoreConnections connections;
    private final HistoryPolicy policy;
    private volatile boolean prepared;
    private volatile boolean toldWhyOff;

    public History(DatastoreConnections connections, HistoryPolicy policy) {
        this.connections = connections;
        this.policy = policy;
    }

    public HistoryPolicy policy() {
        return policy;
    }

    /**
     * Creates the schema and its catalog when history is on, on an autocommit connection before a
     * load takes its lock. A write role that may not create them (CKAN's documented setup makes it
     * the database's owner, so it can) leaves history off, said once in the log: swaps then drop the
     * old table as before.
     */
    boolean prepare(Connection connection) {
        if (!policy.enabled()) {
            return false;
        }
        if (prepared) {
            return true;
        }
        try {
            boolean schemaExists = Jdbc.single(connection, "SELECT pg_catalog.to_regnamespace(?) IS NOT NULL",
                    row -> row.getBoolean(1), Sql.quoteIdent(Sql.HISTORY_SCHEMA));
            if (!schemaExists) {
                ddlIgnoringRace(connection, "CREATE SCHEMA IF NOT EXISTS " + Sql.quoteIdent(Sql.HISTORY_SCHEMA));
            }
            ddlIgnoringRace(connection, "CREATE TABLE IF NOT EXISTS " + catalog() + " ("
                    + "table_name text PRIMARY KEY, resource_id text NOT NULL, loaded_by_job text, hash text,"
                    + " replaced_by_job text, replaced_at timestamptz NOT NULL DEFAULT pg_catalog.now(), row_count bigint,"
                    + " columns jsonb NOT NULL, bytes bigint NOT NULL, renamed jsonb NOT NULL)");
            // An incremental load keeps only its change (see Delta); a catalog from before it gains the columns.
            ddlIgnoringRace(connection, "ALTER TABLE " + catalog() + " ADD COLUMN IF NOT EXISTS kind text NOT NULL DEFAULT 'full',"
                    + " ADD COLUMN IF NOT EXISTS undo jsonb");
            ddlIgnoringRace(connection, "CREATE INDEX IF NOT EXISTS " + Sql.quoteIdent(CATALOG + "_resource")
                    + " ON " + catalog() + " (resource_id, replaced_at)");
            prepared = true;
            return true;
        } catch (SQLException e) {
            if (!toldWhyOff) {
                toldWhyOff = true;
                LOG.warnf("Replaced tables are dropped, not kept: the write role cannot create the schema %s (%s);"
                        + " grant it CREATE on the DataStore database to keep history", Sql.HISTORY_SCHEMA, Sql.serverMessage(e));
            }
            return false;
        }
    }

    /** Two workers creating the same thing at once: the other one won, which is as good. */
    private static void ddlIgnoringRace(Connection connection, String ddl) throws SQLException {
        try {
            Jdbc.execute(connection, ddl);
        } catch (SQLException e) {
            String state = e.getSQLState();
            if (!"23505".equals(state) && !"42P06".equals(state) && !"42P07".equals(state)) {
                throw e;
            }
        }
    }

    /** Whether the swap can keep the table it replaces: history on, and its catalog there (someone may have dropped it). */
    boolean usable(Connection connection) throws SQLException {
        return policy.enabled() && Jdbc.single(connection, "SELECT pg_catalog.to_regclass(?) IS NOT NULL",
                row -> row.getBoolean(1), catalog());
    }

    /**
     * Inside the swap, with the live table locked and its dependent views already dropped: moves it
     * into history and records it. Only catalog reads and renames: it costs the swap no copy.
     */
    void keep(Connection connection, String resourceId, long oid, String replacedByJob) throws SQLException {
        String key = randomKey();
        String name = prefix(resourceId) + "_h" + key;
        // One round trip for what is recorded; the rows are counted later, outside the swap (see counted()).
        Facts facts = Jdbc.single(connection, "SELECT pg_catalog.obj_description(c.oid, 'pg_class'),"
                        + " pg_catalog.pg_total_relation_size(c.oid),"
                        + " (SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_object('id', a.attname, 'type',"
                        + "   pg_catalog.format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum), '[]')::text"
                        + "   FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
                        + "   AND a.attname NOT IN ('_id', '_full_text')),"
                        + " ARRAY(SELECT i.relname::text FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i"
                        + "   ON i.oid = x.indexrelid WHERE x.indrelid = c.oid ORDER BY i.relname),"
                        + " ARRAY(SELECT s.relname::text FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class s ON s.oid = d.objid"
                        + "   WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.refclassid = 'pg_catalog.pg_class'::regclass"
                        + "   AND d.refobjid = c.oid AND s.relkind = 'S' ORDER BY s.relname)"
                        + " FROM pg_catalog.pg_class c WHERE c.oid = ?::oid",
                row -> new Facts(row.getString(1), row.getLong(2), row.getString(3),
                        List.of((String[]) row.getArray(4).getArray()), List.of((String[]) row.getArray(5).getArray())),
                oid);
        // Renamed while still in public, so that nothing of it clashes with an earlier version in
        // history; all in one round trip, as the swap holds its lock meanwhile.
        Map<String, String> renamed = new LinkedHashMap<>();
        StringBuilder ddl = new StringBuilder("ALTER TABLE " + Sql.publicTable(resourceId) + " RENAME TO " + Sql.quoteIdent(name));
        for (int i = 0; i < facts.indexes().size(); i++) {
            String kept = "h" + key + "_i" + i;
            ddl.append("; ALTER INDEX ").append(Sql.publicTable(facts.indexes().get(i))).append(" RENAME TO ").append(Sql.quoteIdent(kept));
            renamed.put(kept, facts.indexes().get(i));
        }
        for (int i = 0; i < facts.sequences().size(); i++) {
            String kept = "h" + key + "_s" + i;
            ddl.append("; ALTER SEQUENCE ").append(Sql.publicTable(facts.sequences().get(i))).append(" RENAME TO ")
                    .append(Sql.quoteIdent(kept));
            renamed.put(kept, facts.sequences().get(i));
        }
        ddl.append("; ALTER TABLE ").append(Sql.publicTable(name)).append(" SET SCHEMA ").append(Sql.quoteIdent(Sql.HISTORY_SCHEMA));
        Jdbc.execute(connection, ddl.toString());
        Jdbc.call(connection, "INSERT INTO " + catalog() + " (table_name, resource_id, loaded_by_job, hash, replaced_by_job,"
                        + " columns, bytes, renamed, replaced_at) VALUES (?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb,"
                        // the swap's own moment: a load's transaction may have begun long before its swap
                        + " pg_catalog.clock_timestamp())",
                name, resourceId, loadedBy(facts.comment()), fileHash(facts.comment()), replacedByJob, facts.columns(),
                facts.bytes(), json(renamed));
    }

    /** The job that loaded the table with this comment; for a table a restore brought back, the job that first loaded it. */
    private static String loadedBy(String tableComment) {
        return restored(tableComment, "restored_version")
                .or(() -> LiveTableReader.marker(tableComment).map(LiveTable.Marker::jobId))
                .filter(id -> !id.isEmpty()).orElse(null);
    }

    /** The md5 of the file the table with this comment came from. */
    private static String fileHash(String tableComment) {
        return restored(tableComment, "restored_hash")
                .or(() -> LiveTableReader.marker(tableComment).map(LiveTable.Marker::hash))
                .filter(h -> !h.isEmpty()).orElse(null);
    }

    /**
     * In the transaction of a change made in place, before it writes: an empty table in history of
     * the live table's columns and {@link Delta#ACTION}, for the rows the change replaces. Returns its name.
     */
    String createChangeTable(Connection connection, String resourceId) throws SQLException {
        String name = prefix(resourceId) + "_h" + randomKey();
        Jdbc.execute(connection, "CREATE TABLE " + qualified(name) + " AS SELECT l.*, ''::text AS " + Sql.quoteIdent(Delta.ACTION)
                + " FROM " + Sql.publicTable(resourceId) + " l WITH NO DATA");
        return name;
    }

    /** A name for an append's entry, which keeps no table: the name is only the entry's key. */
    String appendEntryName(String resourceId) {
        return prefix(resourceId) + "_h" + randomKey();
    }

    /**
     * In the transaction of a change made in place, once it is written: the live table as it was
     * before, recorded as that change ({@code kind}, {@code delta}, and its table when it has one).
     *
     * @param commentBefore the live table's comment before the change, which names the version it was
     */
    void recordChange(Connection connection, String resourceId, String table, String kind, String commentBefore,
                      String replacedByJob, Delta delta) throws SQLException {
        String columns = Jdbc.single(connection, "SELECT coalesce(pg_catalog.json_agg(pg_catalog.json_build_object('id',"
                + " a.attname, 'type', pg_catalog.format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum), '[]')::text"
                + " FROM pg_catalog.pg_attribute a WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped"
                + " AND a.attname NOT IN ('_id', '_full_text')", row -> row.getString(1), Sql.publicTable(resourceId));
        long bytes = Jdbc.single(connection, "SELECT coalesce(pg_catalog.pg_total_relation_size(pg_catalog.to_regclass(?)), 0)",
                row -> row.getLong(1), qualified(table));
        Jdbc.call(connection, "INSERT INTO " + catalog() + " (table_name, resource_id, loaded_by_job, hash, replaced_by_job,"
                        + " row_count, columns, bytes, renamed, kind, undo, replaced_at) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?,"
                        + " '{}'::jsonb, ?, ?::jsonb, pg_catalog.clock_timestamp())",
                table, resourceId, loadedBy(commentBefore), fileHash(commentBefore), replacedByJob, delta.before().rows(), columns,
                bytes, kind, delta.json());
    }

    /** An undone change is live no more: its entry and table go, in the undo's transaction. */
    void forget(Connection connection, HistoryVersion version) throws SQLException {
        Jdbc.execute(connection, "DROP TABLE IF EXISTS " + version.qualified());
        Jdbc.call(connection, "DELETE FROM " + catalog() + " WHERE table_name = ?", version.table());
    }

    private static String qualified(String table) {
        return Sql.quoteIdent(Sql.HISTORY_SCHEMA) + "." + Sql.quoteIdent(table);
    }

    /** What the swap reads of the table it keeps. */
    private record Facts(String comment, long bytes, String columns, List<String> indexes, List<String> sequences) {
    }

    /**
     * Inside a restore's swap, once the live table is in history: gives the version back CKAN's
     * names and moves it into {@code public}, then forgets it, as it is live again.
     */
    void bringBack(Connection connection, HistoryVersion version) throws SQLException {
        String schema = Sql.quoteIdent(Sql.HISTORY_SCHEMA) + ".";
        for (Map.Entry<String, String> entry : version.renamed().entrySet()) {
            String kind = entry.getKey().matches(".*_s\\d+") ? "SEQUENCE" : "INDEX";
            Jdbc.execute(connection, "ALTER " + kind + " " + schema + Sql.quoteIdent(entry.getKey())
                    + " RENAME TO " + Sql.quoteIdent(entry.getValue()));
        }
        Jdbc.execute(connection, "ALTER TABLE " + version.qualified() + " RENAME TO " + Sql.quoteIdent(version.resourceId()));
        Jdbc.execute(connection, "ALTER TABLE " + schema + Sql.quoteIdent(version.resourceId())
                + " SET SCHEMA " + Sql.quoteIdent(Sql.SCHEMA));
        Jdbc.call(connection, "DELETE FROM " + catalog() + " WHERE table_name = ?", version.table());
    }

    /** The kept versions of a resource, newest first; empty when there are none or history was never set up. */
    public List<HistoryVersion> versions(String resourceId) throws SQLException {
        try (Connection connection = connections.open()) {
            return versions(connection, resourceId);
        }
    }

    List<HistoryVersion> versions(Connection connection, String resourceId) throws SQLException {
        if (!catalogExists(connection)) {
            return List.of();
        }
        List<HistoryVersion> versions = new ArrayList<>();
        for (HistoryVersion version : Jdbc.list(connection, "SELECT table_name, resource_id, loaded_by_job, hash,"
                        + " replaced_by_job, replaced_at, row_count, columns::text, bytes, renamed::text, kind, undo::text FROM "
                        + catalog() + " WHERE resource_id = ? AND " + present() + " ORDER BY replaced_at DESC, table_name",
                History::version, resourceId, Sql.HISTORY_SCHEMA)) {
            versions.add(version.rows() >= 0 ? version : counted(connection, version));
        }
        return versions;
    }

    /**
     * The version a restore names: by the job that loaded it or by its table, or the newest when
     * none is named. Empty when the resource has no such version.
     */
    Optional<HistoryVersion> find(Connection connection, String resourceId, String version) throws SQLException {
        List<HistoryVersion> versions = versions(connection, resourceId);
        if (version == null || version.isBlank()) {
            return versions.stream().findFirst();
        }
        return versions.stream().filter(v -> version.equals(v.version()) || version.equals(v.table())).findFirst();
    }

    /**
     * The swap could not say how many rows the table had without counting them under its lock;
     * counted now, once (nobody writes a kept table), and written down.
     */
    private HistoryVersion counted(Connection connection, HistoryVersion version) throws SQLException {
        long rows = version.delta() != null ? version.delta().before().rows()
                : Jdbc.single(connection, "SELECT pg_catalog.count(*) FROM " + version.qualified(), row -> row.getLong(1));
        Jdbc.call(connection, "UPDATE " + catalog() + " SET row_count = ? WHERE table_name = ?", rows, version.table());
        return new HistoryVersion(version.version(), version.resourceId(), version.table(), version.loadedByJob(),
                version.hash(), version.replacedByJob(), version.replacedAt(), rows, version.columns(), version.bytes(),
                version.renamed(), version.kind(), version.delta());
    }

    /**
     * Applies the retention to every resource: {@code versions} per resource, {@code maxAge}, then
     * {@code maxBytes} over all of them, oldest first; a resource whose live table is gone (deleted
     * in CKAN) loses its history. A resource whose lock another worker holds is left for the next
     * sweep. Returns how many versions were dropped.
     */
    public int sweep() throws SQLException {
        return sweep(null);
    }

    /** The sweep, for one resource only (right after its swap), or for all when {@code onlyResource} is null. */
    int sweep(String onlyResource) throws SQLException {
        try (Connection connection = connections.open()) {
            if (!catalogExists(connection)) {
                return 0;
            }
            // A kept table dropped by hand: its entry goes, so that listings and byte counts stay true.
            Jdbc.call(connection, "DELETE FROM " + catalog() + " WHERE NOT " + present(), Sql.HISTORY_SCHEMA);
            List<Kept> kept = Jdbc.list(connection, "SELECT table_name, resource_id, replaced_at, bytes, kind FROM " + catalog()
                    + " ORDER BY replaced_at DESC, table_name", row -> new Kept(row.getString(1), row.getString(2),
                    row.getTimestamp(3).toInstant(), row.getLong(4), row.getString(5)));
            // The swap does not count a kept table's rows (it would hold its lock the while): counted here.
            Jdbc.list(connection, "SELECT DISTINCT resource_id FROM " + catalog() + " WHERE row_count IS NULL",
                    row -> row.getString(1)).forEach(rid -> unchecked(() -> versions(connection, rid)));
            Instant oldest = Instant.now().minus(policy.maxAge());
            Map<String, Integer> seen = new HashMap<>();
            Set<String> replacedWhole = new HashSet<>();
            Map<String, List<Kept>> doomed = new LinkedHashMap<>();
            long total = 0;
            OptionalLong cap = policy.maxBytes();
            for (Kept version : kept) {
                int newer = seen.merge(version.resourceId(), 1, Integer::sum) - 1;
                // A change kept by an incremental load applies only to the table it changed: once a newer
                // version replaced that table whole, the change can no longer be undone.
                boolean stale = !HistoryVersion.FULL.equals(version.kind()) && replacedWhole.contains(version.resourceId());
                if (HistoryVersion.FULL.equals(version.kind())) {
                    replacedWhole.add(version.resourceId());
                }
                boolean drop = stale || newer >= policy.versions() || version.replacedAt().isBefore(oldest);
                if (!drop && cap.isPresent()) {
                    total += version.bytes();
                    drop = total > cap.getAsLong();
                }
                List<Kept> ofResource = doomed.computeIfAbsent(version.resourceId(), rid -> new ArrayList<>());
                if (drop) {
                    ofResource.add(version);
                }
            }
            int dropped = 0;
            for (Map.Entry<String, List<Kept>> entry : doomed.entrySet()) {
                if (onlyResource == null || onlyResource.equals(entry.getKey())) {
                    dropped += dropUnderLock(connection, entry.getKey(), entry.getValue());
                }
            }
            return dropped;
        }
    }

    /** Every resource with history is listed: one whose live table is gone loses all of it. */
    private int dropUnderLock(Connection connection, String resourceId, List<Kept> versions) throws SQLException {
        // The lock is taken only when there is something to drop: a load's lock is not for a sweep to hold idly.
        if (versions.isEmpty() && new LiveTableReader(connection).tableOid(resourceId).isPresent()) {
            return 0;
        }
        if (!ResourceLock.tryLock(connection, resourceId)) {
            return 0;
        }
        try {
            List<Kept> drop = versions;
            if (new LiveTableReader(connection).tableOid(resourceId).isEmpty()) {
                drop = Jdbc.list(connection, "SELECT table_name, resource_id, replaced_at, bytes, kind FROM " + catalog()
                        + " WHERE resource_id = ?", row -> new Kept(row.getString(1), row.getString(2),
                        row.getTimestamp(3).toInstant(), row.getLong(4), row.getString(5)), resourceId);
            }
            for (Kept version : drop) {
                connection.setAutoCommit(false);
                try {
                    Jdbc.execute(connection, "DROP TABLE IF EXISTS " + Sql.quoteIdent(Sql.HISTORY_SCHEMA) + "."
                            + Sql.quoteIdent(version.table()));
                    Jdbc.call(connection, "DELETE FROM " + catalog() + " WHERE table_name = ?", version.table());
                    connection.commit();
                } catch (SQLException e) {
                    connection.rollback();
                    throw e;
                } finally {
                    connection.setAutoCommit(true);
                }
            }
            return drop.size();
        } finally {
            ResourceLock.unlockQuietly(connection, resourceId);
        }
    }

    /** Right after a swap: the resource's versions beyond the retention go now, not at the next sweep. */
    void trimQuietly(String resourceId) {
        try {
            sweep(resourceId);
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("Could not drop the old history of resource %s now; the sweep will: %s", resourceId, e.getMessage());
        }
    }

    private record Kept(String table, String resourceId, Instant replacedAt, long bytes, String kind) {
    }

    private interface SqlWork {
        void run() throws SQLException;
    }

    private static void unchecked(SqlWork work) {
        try {
            work.run();
        } catch (SQLException e) {
            throw new IllegalStateException(Sql.serverMessage(e), e);
        }
    }

    private static boolean catalogExists(Connection connection) throws SQLException {
        return Jdbc.single(connection, "SELECT pg_catalog.to_regclass(?) IS NOT NULL", row -> row.getBoolean(1), catalog());
    }

    /** Whether an entry's table is still there; an append keeps no table, only where its rows begin. */
    private static String present() {
        return "(kind = '" + HistoryVersion.APPEND + "' OR pg_catalog.to_regclass(pg_catalog.quote_ident(?) || '.'"
                + " || pg_catalog.quote_ident(table_name)) IS NOT NULL)";
    }

    static String catalog() {
        return Sql.quoteIdent(Sql.HISTORY_SCHEMA) + "." + Sql.quoteIdent(CATALOG);
    }

    private static HistoryVersion version(java.sql.ResultSet row) throws SQLException {
        String table = row.getString(1);
        String loadedBy = row.getString(3);
        long rows = row.getLong(7);
        if (row.wasNull()) {
            rows = -1;
        }
        Timestamp replacedAt = row.getTimestamp(6);
        try {
            List<HistoryVersion.Column> columns = JSON.readValue(row.getString(8), new TypeReference<>() {
            });
            Map<String, String> renamed = JSON.readValue(row.getString(10), new TypeReference<LinkedHashMap<String, String>>() {
            });
            String undo = row.getString(12);
            return new HistoryVersion(loadedBy != null ? loadedBy : table, row.getString(2), table, loadedBy, row.getString(4),
                    row.getString(5), replacedAt.toInstant(), rows, List.copyOf(columns), row.getLong(9), renamed,
                    row.getString(11), undo == null ? null : Delta.parse(undo));
        } catch (JsonProcessingException e) {
            throw new SQLException("the history catalog's entry for " + table + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * A table a restore brought back is still the version its first load made, from the file that
     * load read: it keeps that name and that file's hash, which its marker carries beside the restore's.
     */
    private static Optional<String> restored(String tableComment, String field) {
        if (tableComment == null) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(JSON.readTree(tableComment).path("datapusher_worker").path(field)
                    .asText(null)).filter(v -> !v.isEmpty());
        } catch (JsonProcessingException notOurs) {
            return Optional.empty();
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String prefix(String resourceId) {
        byte[] utf8 = resourceId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return utf8.length <= MAX_PREFIX_BYTES && !resourceId.startsWith("_") ? resourceId : "r" + randomKey() + randomKey();
    }

    private static String randomKey() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
