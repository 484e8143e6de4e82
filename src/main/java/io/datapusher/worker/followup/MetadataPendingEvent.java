package io.datapusher.worker.followup;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.UUID;

/**
 * The durable reminder that a job still owes CKAN something after its outcome is known: its
 * metadata ({@code resource_patch}) while the data is live but CKAN was unreachable, the default
 * views of a first load, or the DataPusher callback. It travels through the metadata-pending delay
 * queues; its fields are the queue's contract with operators and tools.
 *
 * @param attempt how many follow-up rounds have failed so far
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
