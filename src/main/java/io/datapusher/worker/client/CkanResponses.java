package io.datapusher.worker.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.Response;

import java.util.Iterator;
import java.util.Map;

/**
 * Turns CKAN's error answers ({@code {"success": false, "error": {...}}}, or a bare string) into exceptions with CKAN's own words: the envelope's
 * {@code error.message}, the field errors of a validation error, or the bare JSON string CKAN sends
 * for a bad request.
 */
final class CkanResponses {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MESSAGE = 1000;

    private CkanResponses() {
    }

    static CkanException toException(String action, Response response) {
        int status = response.getStatus();
        String body = response.hasEntity() ? response.readEntity(String.class) : "";
        String message = action + " answered HTTP " + status + ": " + describe(body);
        if (status >= 500 || status == 408 || status == 429) {
            return new CkanUnavailableException(status, message);
        }
        return new CkanRejectedException(status, message);
    }

    static String describe(String body) {
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null) {
                return "(empty body)";
            }
            if (root.isTextual()) {
                return clip(root.asText());
            }
            JsonNode error = root.path("error");
            if (error.isObject()) {
                String type = error.path("__type").asText("");
                if (error.hasNonNull("message")) {
                    return clip(prefix(type) + error.get("message").asText());
                }
                StringBuilder fields = new StringBuilder(prefix(type));
                Iterator<Map.Entry<String, JsonNode>> it = error.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> field = it.next();
                    if (!field.getKey().equals("__type")) {
                        fields.append(field.getKey()).append(' ').append(field.getValue()).append("; ");
                    }
                }
                return clip(fields.toString().replaceAll("; $", ""));
            }
            return clip(body);
        } catch (Exception notJson) {
            return clip(body.isBlank() ? "(empty body)" : body.strip());
        }
    }

    private static String prefix(String type) {
        return type.isEmpty() ? "" : type + ": ";
    }

    private static String clip(String text) {
        return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "…";
    }
}
