package io.datapusher.worker.datapusherapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A valid {@code POST /job} body, as CKAN's {@code datapusher_submit} sends it:
 * {@code {"api_key", "job_type": "push_to_datastore", "result_url", "metadata": {"resource_id",
 * "ckan_url", "ignore_hash", "set_url_type", "task_created", "original_url"}}}. Unknown keys are
 * ignored, as CKAN never sends any.
 *
 * @param resultUrl CKAN's {@code datapusher_hook} URL; empty when the caller wants no callback
 * @param metadata  the metadata object exactly as sent, to echo back in the callback
 */
public record Submission(String resourceId, boolean ignoreHash, Optional<String> resultUrl, ObjectNode metadata) {

    public static final String JOB_TYPE = "push_to_datastore";

    /** The submission was refused; {@code status} is the HTTP status to answer, the message says why. */
    public static final class Refused extends Exception {
        private final int status;

        public Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** When CKAN created its task, as {@code str(datetime.utcnow())} wrote it. */
    public Optional<String> taskCreated() {
        return text(metadata.get("task_created"));
    }

    /** The resource's URL when CKAN submitted it; CKAN may not have committed it yet. */
    public Optional<String> originalUrl() {
        return text(metadata.get("original_url"));
    }

    /**
     * Checks a body and the credential in it.
     *
     * @param workerToken   the worker's CKAN_API_TOKEN, which {@code api_key} must equal
     * @param onCkanOrigin  whether a URL is on CKAN_URL's exact origin: the only place callbacks and
     *                      the token may go
     */
    public static Submission parse(JsonNode body, Optional<String> workerToken, Predicate<URI> onCkanOrigin)
            throws Refused {
        if (body == null || !body.isObject()) {
            throw new Refused(400, "the body must be a JSON object");
        }
        JsonNode apiKey = body.get("api_key");
        if (apiKey == null || !apiKey.isTextual() || apiKey.asText().isEmpty()) {
            throw new Refused(403, "api_key is missing: CKAN sends ckan.datapusher.api_token as api_key");
        }
        if (workerToken.filter(t -> !t.isBlank()).isEmpty()) {
            throw new Refused(403, "this worker has no CKAN_API_TOKEN, so it accepts no job");
        }
        if (!Secrets.same(apiKey.asText(), workerToken.get())) {
            throw new Refused(403, "api_key is not this worker's token: set ckan.datapusher.api_token to the worker's "
                    + "CKAN_API_TOKEN");
        }
        JsonNode jobType = body.get("job_type");
        if (jobType == null || !jobType.isTextual() || !JOB_TYPE.equals(jobType.asText())) {
            throw new Refused(400, "job_type must be " + JOB_TYPE + ", the only job this worker runs");
        }
        JsonNode metadata = body.get("metadata");
        if (metadata == null || !metadata.isObject()) {
            throw new Refused(400, "metadata must be a JSON object");
        }
        Optional<String> resourceId = text(metadata.get("resource_id"));
        if (resourceId.isEmpty()) {
            throw new Refused(400, "metadata.resource_id is required");
        }
        Optional<String> ckanUrl = text(metadata.get("ckan_url"));
        if (ckanUrl.isPresent()) {
            requireCkanOrigin("metadata.ckan_url", ckanUrl.get(), onCkanOrigin);
        }
        Optional<String> resultUrl = text(body.get("result_url"));
        if (resultUrl.isPresent()) {
            requireCkanOrigin("result_url", resultUrl.get(), onCkanOrigin);
        }
        return new Submission(resourceId.get().trim(), flag(metadata, "ignore_hash"), resultUrl,
                ((ObjectNode) metadata).deepCopy());
    }

    private static void requireCkanOrigin(String field, String url, Predicate<URI> onCkanOrigin) throws Refused {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new Refused(400, field + " is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refused(400, field + " must be an http or https URL");
        }
        if (!onCkanOrigin.test(uri)) {
            throw new Refused(400, field + " is not on CKAN_URL's origin; the worker sends callbacks and its token "
                    + "only to its own CKAN (if CKAN's site_url differs from CKAN_URL, set "
                    + "ckan.datapusher.callback_url_base to CKAN_URL)");
        }
    }

    private static boolean flag(JsonNode metadata, String name) throws Refused {
        JsonNode value = metadata.get(name);
        if (value == null || value.isNull()) {
            return false;
        }
        if (value.isBoolean()) {
            return value.asBoolean();
        }
        // CKAN's schema converts the submitted value with boolean_validator before sending it on.
        String text = value.asText("").trim().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off", "" -> false;
            default -> throw new Refused(400, "metadata." + name + " must be true or false");
        };
    }

    private static Optional<String> text(JsonNode value) {
        if (value == null || value.isNull() || !value.isValueNode()) {
            return Optional.empty();
        }
        String text = value.asText();
        return text.isBlank() ? Optional.empty() : Optional.of(text);
    }
}
