package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.ColumnType;

import java.util.List;

/**
 * What a committed load did.
 *
 * @param rows          rows in the new table
 * @param columns       the data columns in table order, with their final types
 * @param replaced      whether a previous table was swapped out
 * @param copyMillis    time spent in COPY (including the full-text trigger)
 * @param indexMillis   time spent building indexes and ANALYZE
 * @param swapMillis    time spent in the swap, waiting for readers included
 * @param swapAttempts  how many tries the swap needed (1 when no reader was in the way)
 * @param connections   how many connections filled and indexed the new table at once (1: in one transaction)
 * @param warnings      things that did not stop the load, e.g. an old custom index that no longer applies
 */
public record LoadResult(long rows, List<Column> columns, boolean replaced, long copyMillis, long indexMillis,
                         long swapMillis, int swapAttempts, int connections, List<String> warnings) {

    public record Column(String id, ColumnType type) {
    }
}
