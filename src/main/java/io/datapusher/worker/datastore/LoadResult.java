package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.ColumnType;

import java.time.Instant;
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
 * @param liveAt        when the swap committed: readers see the new data from then on
 * @param laterIndexMillis time spent building full-text indexes on the live table after the swap
 * @param indexesPending whether some of those could not be built yet (they are in the table's marker)
 * @param warnings      things that did not stop the load, e.g. an old custom index that no longer applies
 * @param drift         how the new table differs from the one it replaced; null for a first load
 */
public record LoadResult(long rows, List<Column> columns, boolean replaced, long copyMillis, long indexMillis,
                         long swapMillis, int swapAttempts, int connections, Instant liveAt, long laterIndexMillis,
                         boolean indexesPending, List<String> warnings, SchemaDrift drift) {

    public record Column(String id, ColumnType type) {
    }
}
