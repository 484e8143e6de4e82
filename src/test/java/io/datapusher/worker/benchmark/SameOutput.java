package io.datapusher.worker.benchmark;

import io.datapusher.worker.testsupport.DatastoreTestDatabase;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Whether the worker's table is the psql recipe's table: the same columns and types, the same rows
 * in the same order, the same {@code _full_text}, the same indexes and triggers. Both tables carry
 * the resource id as their name (each in its own database), so index names and definitions compare
 * as they are.
 */
final class SameOutput {

    private SameOutput() {
    }

    /** "yes", or "no (what differed)". */
    static String compare(DatastoreTestDatabase recipe, DatastoreTestDatabase worker, String resourceId) throws SQLException {
        Map<String, String> expected = fingerprint(recipe, resourceId);
        Map<String, String> actual = fingerprint(worker, resourceId);
        List<String> differences = new ArrayList<>();
        for (String aspect : expected.keySet()) {
            String want = expected.get(aspect);
            String got = actual.get(aspect);
            if (want.equals(got)) {
                continue;
            }
            if (aspect.contains("md5")) {
                differences.add(aspect);
            } else if (aspect.equals("indexes") || aspect.equals("triggers")) {
                differences.add(aspect + ": only the recipe's " + only(want, got) + ", only the worker's " + only(got, want));
            } else {
                differences.add(aspect + ": recipe " + want + ", worker " + got);
            }
        }
        return differences.isEmpty() ? "yes" : "no (" + String.join("; ", differences) + ")";
    }

    /** The items of a '; '-separated list that the other lacks. */
    private static List<String> only(String list, String other) {
        List<String> items = new ArrayList<>(List.of(list.split("; ")));
        items.removeAll(List.of(other.split("; ")));
        return items;
    }

    private static Map<String, String> fingerprint(DatastoreTestDatabase db, String resourceId) throws SQLException {
        String table = PsqlRecipe.quote(resourceId);
        String literal = "'" + resourceId.replace("'", "''") + "'";
        String columns = "\"_id\", " + BenchmarkCsv.COLUMNS.stream().map(c -> PsqlRecipe.quote(c.name()))
                .collect(Collectors.joining(", "));
        Map<String, String> aspects = new LinkedHashMap<>();
        aspects.put("columns", db.queryOne("SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' "
                + "ORDER BY attnum) FROM pg_attribute WHERE attrelid = '" + table.replace("'", "''") + "'::regclass "
                + "AND attnum > 0 AND NOT attisdropped"));
        aspects.put("rows", db.queryOne("SELECT count(*) FROM " + table));
        try {
            aspects.put("row md5", db.queryOne("SELECT md5(string_agg(t::text, E'\\n' ORDER BY t.\"_id\")) FROM (SELECT "
                    + columns + " FROM " + table + ") AS t"));
        } catch (SQLException e) {
            aspects.put("row md5", "unreadable: " + e.getMessage());
        }
        aspects.put("_full_text md5", db.queryOne("SELECT md5(string_agg(\"_full_text\"::text, E'\\n' ORDER BY \"_id\")) FROM "
                + table));
        aspects.put("indexes", db.queryOne("SELECT string_agg(indexdef, '; ' ORDER BY indexdef) FROM pg_indexes "
                + "WHERE schemaname = 'public' AND tablename = " + literal));
        aspects.put("triggers", db.queryOne("SELECT string_agg(pg_get_triggerdef(oid), '; ' ORDER BY tgname) FROM pg_trigger "
                + "WHERE tgrelid = '" + table.replace("'", "''") + "'::regclass AND NOT tgisinternal"));
        return aspects;
    }
}
