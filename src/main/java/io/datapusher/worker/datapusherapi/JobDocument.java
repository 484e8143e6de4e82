package io.datapusher.worker.datapusherapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datapusher.worker.IngestJob;
import io.datapusher.worker.JobStatus;

/**
 * A job as DataPusher shows it: the body of {@code GET /job/{id}} and of the {@code datapusher_hook}
 * callback. CKAN reads {@code status}, {@code metadata.resource_id}, {@code metadata.task_created},
 * {@code metadata.original_url}, {@code error} and {@code logs}; the other fields are DataPusher's,
 * kept so that tools written for it keep working. Neither the api_key nor the job key is ever in it.
 */
public final class JobDocument {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JobDocument() {
    }

    public static ObjectNode of(IngestJob job) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("job_id", job.jobId.toString());
        doc.put("job_type", Submission.JOB_TYPE);
        doc.put("status", CkanTaskState.of(job.status).id());
        doc.putNull("data");
        if (job.status == JobStatus.FAILED && job.error != null) {
            doc.putObject("error").put("message", job.error);
        } else {
            doc.putNull("error");
        }
        doc.put("requested_timestamp", JobLog.timestamp(job.createdAt));
        if (job.finishedAt != null && CkanTaskState.of(job.status).isFinal()) {
            doc.put("finished_timestamp", JobLog.timestamp(job.finishedAt));
        } else {
            doc.putNull("finished_timestamp");
        }
        doc.putObject("sent_data");
        doc.put("result_url", job.resultUrl);
        doc.set("metadata", metadata(job));
        ArrayNode logs = doc.putArray("logs");
        for (JobLog.Line line : JobLog.of(job)) {
            ObjectNode item = logs.addObject();
            item.put("timestamp", JobLog.timestamp(line.at()));
            item.put("level", line.level().name());
            item.put("message", line.message());
            if (line.step() != null) {
                item.put("step", line.step().id());
            }
        }
        return doc;
    }

    /** The metadata CKAN sent, unchanged; a job that did not come through POST /job shows its resource id. */
    private static JsonNode metadata(IngestJob job) {
        if (job.callbackMetadata != null) {
            try {
                return JSON.readTree(job.callbackMetadata);
            } catch (Exception unreadable) {
                // stored by this service from a parsed object, so this does not happen; fall through
            }
        }
        return JSON.createObjectNode().put("resource_id", job.resourceId);
    }
}
