package io.datapusher.worker.rest;

/**
 * The body of POST /api/resources/{resource_id}/restore; it may be absent.
 *
 * @param version the job id of the version to restore, as the history lists it; null for the newest
 */
public record RestoreRequest(String version) {
}
