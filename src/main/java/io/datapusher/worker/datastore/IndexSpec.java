package io.datapusher.worker.datastore;

import io.datapusher.worker.datastore.LiveTableReader.LiveIndex;

import java.util.Optional;

/**
 * One index the new table gets: one of CKAN's full-text indexes, or one the live table had.
 *
 * @param ckanName   the name it has once live: CKAN's {@code sha1(resource id + fields)}, or the live
 *                   index's own name
 * @param buildName  the name it has while the new table is built
 * @param unique     whether it is a unique index
 * @param definition what follows {@code ON <table>} in its {@code CREATE INDEX}
 * @param carried    the live table's index this one recreates, if it is one
 * @param deferrable whether it may be built once the table is live: a full-text index of a text
 *                   column, which cannot fail on any data and which only speeds up searches of
 *                   that one column
 */
record IndexSpec(String ckanName, String buildName, boolean unique, String definition, Optional<LiveIndex> carried,
                 boolean deferrable) {

    /** {@code CREATE INDEX} under its build name, on the table being built. */
    String ddl(NewTable table) {
        return ddl(buildName, table.qualified());
    }

    /** {@code CREATE INDEX} under its CKAN name, on the live table. */
    String ddlOnLive(String resourceId) {
        return ddl(ckanName, Sql.publicTable(resourceId));
    }

    private String ddl(String name, String qualifiedTable) {
        return "CREATE " + (unique ? "UNIQUE " : "") + "INDEX " + Sql.quoteIdent(name) + " ON " + qualifiedTable + " " + definition;
    }

    /** Roughly how long it takes to build, to start the longest first: a per-column full-text index parses its text. */
    int weight() {
        return definition.contains("to_tsvector(") ? 2 : carried.isPresent() ? 0 : 1;
    }
}
