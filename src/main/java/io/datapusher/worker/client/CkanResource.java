package io.datapusher.worker.client;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The fields of {@code resource_show}'s result that the saga uses.
 *
 * @param hash   CKAN's stored hash of the file, empty when none
 * @param extras the whole resource dict, for resource extras such as {@code datapusher_skip_rows}
 */
public record CkanResource(String id, String url, String format, String hash, String urlType, JsonNode extras) {

    static CkanResource from(JsonNode result) {
        return new CkanResource(
                result.path("id").asText(),
                result.path("url").asText(""),
                result.path("format").asText(""),
                result.path("hash").isNull() ? "" : result.path("hash").asText(""),
                result.path("url_type").asText(""),
                result);
    }
}
