package io.datapusher.worker.datastore;

import io.datapusher.worker.datastore.LiveTableReader.LiveIndex;

import java.util.Optional;

/**
 * One index the new table gets: one of CKAN's full-text indexes, or one the live table had.
 *
 * @param ckanName  the name it has once live: CKAN's {@code sha1(resource id + fields)}, or the live
 *                  index's own name
 * @param buildName the name it has while the new table is built
 * @param ddl       the {@code CREATE INDEX} statement on the new table
 * @param carried   the live table's index this one recreates, if it is one
 */
record IndexSpec(String ckanName, String buildName, String ddl, Optional<LiveIndex> carried) {

    String describe() {
        return carried.map(i -> "index " + i.name() + " on " + i.columns()).orElse("full-text index " + ckanName);
    }
}
