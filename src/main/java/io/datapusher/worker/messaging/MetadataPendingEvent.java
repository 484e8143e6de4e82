package io.datapusher.worker.messaging;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.UUID;

/**
 * A job whose data is live but whose CKAN metadata is not yet updated (design.md §6).
 *
 * @param attempt how many update-metadata attempts have been made so far
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MetadataPendingEvent(@JsonProperty("job_id") UUID jobId,
                                   @JsonProperty("resource_id") String resourceId,
                                   @JsonProperty("attempt") int attempt,
                                   @JsonProperty("last_error") String lastError,
                                   @JsonProperty("hash") String hash) {

    public MetadataPendingEvent nextAttempt(String error) {
        return new MetadataPendingEvent(jobId, resourceId, attempt + 1, error, hash);
    }
}
