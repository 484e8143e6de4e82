package io.datapusher.worker.datastore;

import java.util.Set;

/**
 * What the live table was when the load began, under the resource's lock, so that the swap can
 * tell what changed while the file was loading.
 *
 * @param liveTable  whether there was a live table (a reload) or not (a first load)
 * @param indexNames the live table's indexes then, which the load planned for
 * @param writes     where the live table's writes stood then
 */
record LoadStart(boolean liveTable, Set<String> indexNames, ConcurrentWrites.Mark writes) {

    static final LoadStart FIRST_LOAD = new LoadStart(false, Set.of(), null);
}
