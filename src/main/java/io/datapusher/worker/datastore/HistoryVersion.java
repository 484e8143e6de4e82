package io.datapusher.worker.datastore;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One kept version of a resource's table, as {@code GET /api/resources/{id}/history} lists it.
 *
 * @param version      what a restore names it by: the job that loaded it, or its table's name when
 *                     no worker job did (a table CKAN or another loader wrote)
 * @param table        its table in {@link Sql#HISTORY_SCHEMA}
 * @param loadedByJob  the job that loaded it, from its marker; null when unknown
 * @param hash         the md5 of the file it was loaded from, from its marker; null when unknown
 * @param replacedByJob the job whose swap replaced it
 * @param replacedAt   when it stopped being live
 * @param rows         its rows
 * @param columns      its data columns in table order, each with its PostgreSQL type
 * @param bytes        its size on disk, indexes included
 * @param renamed      the names its indexes and sequence had when live, by the names they have here
 */
public record HistoryVersion(String version, String resourceId, String table, String loadedByJob, String hash,
                             String replacedByJob, Instant replacedAt, long rows, List<Column> columns, long bytes,
                             Map<String, String> renamed) {

    public record Column(String id, String type) {
    }

    String qualified() {
        return Sql.quoteIdent(Sql.HISTORY_SCHEMA) + "." + Sql.quoteIdent(table);
    }

    boolean hasColumn(String id) {
        return columns.stream().anyMatch(c -> c.id().equals(id));
    }
}
