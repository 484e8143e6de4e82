package io.datapusher.worker.messaging;

import io.datapusher.worker.service.ResubmitRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.UUID;

/**
 * Reads a resubmit body, or says precisely why it cannot: the reason goes into the dead-lettered
 * message's {@code x-datapusher-error} header.
 */
public final class ResubmitParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ResubmitParser() {
    }

    public static ResubmitRequest parse(byte[] body) throws InvalidMessageException {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new InvalidMessageException("body is not JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidMessageException("body is not a JSON object");
        }
        JsonNode resourceId = root.get("resource_id");
        if (resourceId == null || !resourceId.isTextual() || resourceId.asText().isBlank()) {
            throw new InvalidMessageException("body has no resource_id string");
        }
        JsonNode ignoreHash = root.get("ignore_hash");
        if (ignoreHash != null && !ignoreHash.isNull() && !ignoreHash.isBoolean()) {
            throw new InvalidMessageException("ignore_hash must be true or false");
        }
        UUID jobId = null;
        JsonNode job = root.get("job_id");
        if (job != null && !job.isNull()) {
            try {
                jobId = UUID.fromString(job.asText());
            } catch (IllegalArgumentException e) {
                throw new InvalidMessageException("job_id is not a UUID");
            }
        }
        return new ResubmitRequest(resourceId.asText().trim(), ignoreHash != null && ignoreHash.asBoolean(), jobId);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** The body can never be processed, however often it is delivered. */
    public static class InvalidMessageException extends Exception {
        public InvalidMessageException(String message) {
            super(message);
        }
    }
}
