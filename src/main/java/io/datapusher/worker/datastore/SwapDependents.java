package io.datapusher.worker.datastore;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What {@code DROP TABLE ... CASCADE} at the swap would take with the live table besides what the
 * swap carries over. PostgreSQL records every dependent in {@code pg_depend}, on the table or on
 * its row type: publications, row-level policies, rules, statistics objects, functions taking or
 * returning the row type, columns of other tables of that type... The swap keeps the table's own
 * indexes, sequence, constraints, column defaults and triggers, and recreates the views that read
 * it; anything else would vanish without a word, so the swap refuses instead.
 */
final class SwapDependents {

    private SwapDependents() {
    }

    /** How PostgreSQL names each dependent the swap would lose, for the job's error. */
    static List<String> notCarriedOver(Connection connection, long tableOid) throws SQLException {
        return Jdbc.list(connection,
                "SELECT DISTINCT pg_catalog.pg_describe_object(d.classid, d.objid, 0) FROM pg_catalog.pg_depend d"
                        + " WHERE d.deptype IN ('n', 'a')"
                        + " AND ((d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = ?::oid)"
                        + "   OR (d.refclassid = 'pg_catalog.pg_type'::regclass"
                        + "     AND d.refobjid = (SELECT c.reltype FROM pg_catalog.pg_class c WHERE c.oid = ?::oid)))"
                        // its own indexes and sequence
                        + " AND NOT (d.classid = 'pg_catalog.pg_class'::regclass AND EXISTS (SELECT 1 FROM pg_catalog.pg_class r"
                        + "   WHERE r.oid = d.objid AND r.relkind IN ('i', 'I', 'S')))"
                        // its own constraints; foreign keys of other tables are refused with their own message
                        + " AND NOT (d.classid = 'pg_catalog.pg_constraint'::regclass AND EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c"
                        + "   WHERE c.oid = d.objid AND (c.conrelid = ?::oid OR c.contype = 'f')))"
                        // its triggers (recreated) and column defaults
                        + " AND d.classid NOT IN ('pg_catalog.pg_trigger'::regclass, 'pg_catalog.pg_attrdef'::regclass)"
                        // the views that read it (recreated; materialized ones are refused with their own message)
                        + " AND NOT (d.classid = 'pg_catalog.pg_rewrite'::regclass AND EXISTS (SELECT 1 FROM pg_catalog.pg_rewrite r"
                        + "   JOIN pg_catalog.pg_class v ON v.oid = r.ev_class WHERE r.oid = d.objid AND v.oid <> ?::oid"
                        + "   AND v.relkind IN ('v', 'm')))"
                        + " ORDER BY 1",
                row -> row.getString(1), tableOid, tableOid, tableOid, tableOid);
    }
}
