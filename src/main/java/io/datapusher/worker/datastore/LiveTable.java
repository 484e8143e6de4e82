package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.ColumnType;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The table a resource currently has in the DataStore.
 *
 * @param resourceId the table name
 * @param columns    the data columns ({@code _id} and {@code _full_text} left out), in table order
 * @param marker     what the worker wrote on its last load, if the table came from the worker
 */
public record LiveTable(String resourceId, List<Column> columns, Optional<Marker> marker) {

    /**
     * @param id           column name
     * @param type         PostgreSQL type as {@code format_type} spells it, e.g. {@code text}, {@code numeric}
     * @param comment      the raw column comment (the Data Dictionary), null when there is none
     * @param typeOverride the Data Dictionary's {@code type_override}, when it names a type the worker creates
     */
    public record Column(String id, String type, String comment, Optional<ColumnType> typeOverride) {
    }

    /**
     * The table comment the worker writes at the swap, used to resume after a crash.
     *
     * @param pendingIndexes full-text indexes still to be built on the live table (CKAN name to
     *                       what follows {@code ON <table>}), when the worker stopped before it built them
     */
    public record Marker(String jobId, String hash, Instant loadedAt, Instant jobCreatedAt,
                         Map<String, String> pendingIndexes) {
    }

    public Optional<Column> column(String id) {
        return columns.stream().filter(c -> c.id().equals(id)).findFirst();
    }
}
