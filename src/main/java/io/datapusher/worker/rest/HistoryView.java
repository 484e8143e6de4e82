package io.datapusher.worker.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.datapusher.worker.datastore.HistoryVersion;

import java.time.Instant;
import java.util.List;

/**
 * A kept version as GET /api/resources/{resource_id}/history shows it, in snake_case.
 *
 * @param version what POST .../restore takes: the job that loaded it, or its kept table's name
 * @param job     the job that loaded it; null when no worker job did
 * @param kind    {@code full}: kept whole, replaced by a load or restore; {@code append} or {@code keyed}:
 *                an incremental load changed it in place, and only its change is kept; {@code undo}: a
 *                restore undid such a change in place, and only that is kept
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record HistoryView(
        String version,
        String job,
        @JsonProperty("replaced_by_job") String replacedByJob,
        @JsonProperty("replaced_at") Instant replacedAt,
        long rows,
        List<HistoryVersion.Column> columns,
        long bytes,
        String hash,
        String kind) {

    static HistoryView of(HistoryVersion version) {
        return new HistoryView(version.version(), version.loadedByJob(), version.replacedByJob(), version.replacedAt(),
                version.rows(), version.columns(), version.bytes(), version.hash(), version.kind());
    }
}
