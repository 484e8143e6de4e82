package io.datapusher.worker.testsupport;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a failed load must leave untouched, as text: rows, comments, indexes, views,
 * grants, triggers and every relation in public. Two equal snapshots mean nothing changed.
 */
public final class CatalogSnapshot {

    private CatalogSnapshot() {
    }

    public static String of(DatastoreTestDatabase db, String resourceId) throws SQLException {
        String table = "'public.\"" + resourceId.replace("\"", "\"\"").replace("'", "''") + "\"'::regclass";
        List<String> parts = new ArrayList<>();
        parts.add("oid " + db.queryOne("SELECT " + table + "::oid"));
        parts.add("rows " + db.queryOne("SELECT count(*) || ' ' || md5(string_agg(t::text, ',' ORDER BY _id)) FROM "
                + "public.\"" + resourceId.replace("\"", "\"\"") + "\" t"));
        parts.add("columns " + db.query("SELECT attname, format_type(atttypid, atttypmod), col_description(attrelid, attnum)"
                + " FROM pg_attribute WHERE attrelid = " + table + " AND attnum > 0 AND NOT attisdropped ORDER BY attnum"));
        parts.add("table comment " + db.query("SELECT obj_description(" + table + ", 'pg_class')"));
        parts.add("indexes " + db.query("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1"));
        parts.add("relations " + db.query("SELECT c.relname, c.relkind, c.relacl, c.reloptions, obj_description(c.oid, 'pg_class'),"
                + " CASE WHEN c.relkind = 'v' THEN pg_get_viewdef(c.oid) END FROM pg_class c JOIN pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY 1"));
        parts.add("triggers " + db.query("SELECT tgname, pg_get_triggerdef(oid) FROM pg_trigger WHERE tgrelid = " + table
                + " ORDER BY 1"));
        parts.add("constraints " + db.query("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = "
                + table + " ORDER BY 1"));
        return String.join("\n", parts);
    }
}
