package io.datapusher.worker.service;

import java.util.UUID;

/**
 * A resubmit message: {@code {"resource_id": "<id>", "ignore_hash": false, "job_id": "<uuid>"}}.
 * Unknown fields are ignored; {@code job_id} is optional.
 */
public record ResubmitRequest(String resourceId, boolean ignoreHash, UUID jobId) {
}
