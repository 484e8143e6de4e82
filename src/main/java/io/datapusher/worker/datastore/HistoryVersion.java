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
 * @param kind         how the live table went on from this version: {@value #FULL} (it was replaced
 *                     whole, and this is the whole table), {@value #APPEND} or {@value #KEYED} (an
 *                     incremental load changed it in place, and only that change is kept), or
 *                     {@value #UNDO} (a restore undid such a change in place, and only that is kept)
 * @param delta        for a change made in place, what undoes it; null for {@value #FULL}
 */
public record HistoryVersion(String version, String resourceId, String table, String loadedByJob, String hash,
                             String replacedByJob, Instant replacedAt, long rows, List<Column> columns, long bytes,
                             Map<String, String> renamed, String kind, Delta delta) {

    public static final String FULL = "full";
    public static final String APPEND = "append";
    public static final String KEYED = "keyed";
    public static final String UNDO = "undo";

    public record Column(String id, String type) {
    }

    String qualified() {
        return Sql.quoteIdent(Sql.HISTORY_SCHEMA) + "." + Sql.quoteIdent(table);
    }

    boolean hasColumn(String id) {
        return columns.stream().anyMatch(c -> c.id().equals(id));
    }
}
