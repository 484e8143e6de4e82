package io.datapusher.worker.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;

/**
 * The fields of {@code resource_show}'s result that the saga uses.
 *
 * @param hash   CKAN's stored hash of the file, empty when none
 * @param extras the whole resource dict, for resource extras such as {@code datapusher_skip_rows}
 */
public record CkanResource(String id, String url, String format, String hash, String urlType, JsonNode extras) {

    /**
     * Where to download the file from. CKAN writes an uploaded file's URL with its public
     * {@code ckan.site_url}, which a worker inside a cluster often cannot reach; as DataPusher does,
     * an upload is fetched from CKAN_URL's scheme and host instead, path and query unchanged. Links
     * to elsewhere are fetched as they are.
     */
    public String downloadUrl(String ckanUrl) {
        if (!"upload".equals(urlType)) {
            return url;
        }
        try {
            URI file = URI.create(url);
            URI ckan = URI.create(ckanUrl);
            if (file.getScheme() == null || file.getRawAuthority() == null || ckan.getRawAuthority() == null) {
                return url;
            }
            return ckan.getScheme() + "://" + ckan.getRawAuthority()
                    + (file.getRawPath() == null ? "" : file.getRawPath())
                    + (file.getRawQuery() == null ? "" : "?" + file.getRawQuery());
        } catch (IllegalArgumentException notAUri) {
            return url;
        }
    }

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
