package io.datapusher.worker.rest;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of POST /api/jobs.
 *
 * @param acceptDrift lets this one load past INGEST_DRIFT_POLICY
 * @param dryRun      a preview: fetch, download and analyse, then stop, writing nothing
 * @param full        a full reload even where an incremental one would do
 */
public record JobRequest(@JsonProperty("resource_id") String resourceId,
                         @JsonProperty("ignore_hash") Boolean ignoreHash,
                         @JsonProperty("accept_drift") Boolean acceptDrift,
                         @JsonProperty("dry_run") Boolean dryRun,
                         @JsonProperty("full") Boolean full) {
}
