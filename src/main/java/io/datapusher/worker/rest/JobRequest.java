package io.datapusher.worker.rest;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The body of POST /api/jobs. */
public record JobRequest(@JsonProperty("resource_id") String resourceId,
                         @JsonProperty("ignore_hash") Boolean ignoreHash,
                         @JsonProperty("full") Boolean full) {
}
