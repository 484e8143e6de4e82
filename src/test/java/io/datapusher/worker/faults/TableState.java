package io.datapusher.worker.faults;

import io.datapusher.worker.testsupport.DatastoreTestDatabase;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What readers of a resource's live table see, as text: the rows (count and checksum), the
 * columns with their Data Dictionary comments, the table comment, the indexes, the dependent
 * (alias) views with their definitions and grants, the table's ACL and its triggers.
 *
 * <p>{@link #shape()} leaves out what legitimately differs between two resources loaded from the
 * same files (the resource id, the alias name, index names derived from the id, the job id in the
 * worker's marker), so that a table can be compared with a reference resource's; {@link #oid()}
 * tells one physical table from another.
 */
public record TableState(String oid, String shape) {

    private static final Pattern MARKER_HASH = Pattern.compile("\"hash\":\\s*\"([0-9a-f]*)\"");

    public static TableState of(DatastoreTestDatabase db, String rid, String alias) throws SQLException {
        String quoted = "\"" + rid + "\"";
        String regclass = "'public." + quoted + "'::regclass";
        List<String> parts = new ArrayList<>();
        parts.add("rows " + db.queryOne("SELECT count(*) || ' ' || coalesce(md5(string_agg(t::text, ',' ORDER BY _id)), '')"
                + " FROM public." + quoted + " t"));
        parts.add("columns " + db.query("SELECT attname || ' ' || format_type(atttypid, atttypmod) || ' ' || "
                + "coalesce(col_description(attrelid, attnum), '<none>') FROM pg_attribute WHERE attrelid = " + regclass
                + " AND attnum > 0 AND NOT attisdropped ORDER BY attnum"));
        parts.add("comment " + marker(db.queryOne("SELECT coalesce(obj_description(" + regclass + ", 'pg_class'), '<none>')")));
        parts.add("acl " + db.queryOne("SELECT coalesce(relacl::text, '<default>') FROM pg_class WHERE oid = " + regclass));
        parts.add("indexes " + db.query("SELECT regexp_replace(indexdef, '^(CREATE (UNIQUE )?INDEX) \\S+ ON', '\\1 ? ON') "
                + "FROM pg_indexes WHERE schemaname = 'public' AND tablename = '" + rid + "' ORDER BY 1"));
        parts.add("views " + db.query("SELECT DISTINCT v.relname || ' ' || pg_get_viewdef(v.oid) || ' ' || "
                + "coalesce(v.relacl::text, '<default>') FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid "
                + "JOIN pg_class v ON v.oid = r.ev_class WHERE d.refobjid = " + regclass + " AND v.oid <> " + regclass
                + " ORDER BY 1"));
        parts.add("triggers " + db.query("SELECT tgname || ' ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = "
                + regclass + " AND NOT tgisinternal ORDER BY 1"));
        String shape = String.join("\n", parts).replace(rid, "<rid>");
        if (alias != null) {
            shape = shape.replace(alias, "<alias>");
        }
        return new TableState(db.queryOne("SELECT " + regclass + "::oid"), shape);
    }

    /** Whether the resource has a live table at all. */
    public static boolean exists(DatastoreTestDatabase db, String rid) throws SQLException {
        return !db.query("SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'"
                + " AND c.relname = '" + rid + "' AND c.relkind = 'r'").isEmpty();
    }

    /** The worker's marker names the job and the file's md5; only the md5 says which data it is. */
    private static String marker(String comment) {
        Matcher m = MARKER_HASH.matcher(comment);
        return m.find() ? "datapusher_worker marker, hash " + m.group(1) : comment;
    }

    /** The rows line of the shape: "count md5". */
    public String rows() {
        return shape.lines().findFirst().orElse("");
    }
}
