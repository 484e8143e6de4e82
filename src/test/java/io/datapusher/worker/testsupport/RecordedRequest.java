package io.datapusher.worker.testsupport;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request as {@link FakeCkan} received it.
 *
 * @param method  HTTP method ({@code POST}, {@code GET}, ...)
 * @param path    raw request path, without the query string
 * @param query   raw query string, or {@code null}
 * @param action  the Action API name for {@code /api[/3]/action/<name>}, else {@code null}
 * @param headers request headers; keys are case-insensitive
 * @param rawBody the body as text (UTF-8), empty when there was none
 * @param body    the body parsed as a JSON object, or {@code null} when it was not one
 * @param at      when it arrived
 */
public record RecordedRequest(
        String method,
        String path,
        String query,
        String action,
        Map<String, List<String>> headers,
        String rawBody,
        Map<String, Object> body,
        Instant at) {

    /** First value of a header (case-insensitive name), or {@code null}. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** True for a request to the file URL of a resource (a download). */
    public boolean isDownload() {
        return action == null && path.contains("/download");
    }
}
