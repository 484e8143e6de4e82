package io.datapusher.worker.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The fields of {@code resource_show}'s result that the saga uses.
 *
 * @param hash   CKAN's stored hash of the file, empty when none
 * @param extras the whole resource dict, for resource extras such as {@code datapusher_skip_rows}
 */
public record CkanResource(String id, String url, String format, String hash, String urlType, JsonNode extras) {

    /** A package type as CKAN routes it ({@code dataset}, or a custom type such as ckanext-scheming's). */
    private static final Pattern PACKAGE_TYPE = Pattern.compile("[A-Za-z0-9_-]+");

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

    /**
     * Whether the worker may send its CKAN token to fetch this resource: only for an upload, and only
     * when {@link #downloadUrl} is this resource's own download path on CKAN_URL,
     * {@code <CKAN_URL path>/<package type>/<its package_id>/resource/<its id>/download[/<file>]}.
     * CKAN's {@code resource_show} builds an upload's URL with the package's id (never its name),
     * so only the id is accepted. {@code url_type} alone proves nothing: an API caller may set it
     * to {@code upload} with any URL, and a link resource may point at another, private, dataset's
     * file or at {@code /datastore/dump/...}, which the token would open for it.
     */
    public boolean isOwnUpload(String ckanUrl) {
        String packageId = extras == null ? "" : extras.path("package_id").asText("");
        if (!"upload".equals(urlType) || packageId.isBlank() || id == null || id.isBlank()) {
            return false;
        }
        try {
            URI file = URI.create(downloadUrl(ckanUrl));
            URI ckan = URI.create(ckanUrl);
            String root = ckan.getRawPath() == null ? "" : ckan.getRawPath().replaceAll("/+$", "");
            String path = file.getRawPath();
            if (path == null || !path.startsWith(root + "/")) {
                return false;
            }
            List<String> segments = List.of(path.substring(root.length() + 1).split("/", -1));
            boolean shape = (segments.size() == 5 || segments.size() == 6)
                    && PACKAGE_TYPE.matcher(segments.get(0)).matches()
                    && segments.get(1).equals(packageId)
                    && segments.get(2).equals("resource")
                    && segments.get(3).equals(id)
                    && segments.get(4).equals("download");
            return shape && (segments.size() == 5 || isPlainFileName(segments.get(5)));
        } catch (IllegalArgumentException notAUri) {
            return false;
        }
    }

    /** One path segment that stays one segment once decoded, so no proxy can walk it elsewhere. */
    private static boolean isPlainFileName(String rawSegment) {
        String decoded = URLDecoder.decode(rawSegment.replace("+", "%2B"), StandardCharsets.UTF_8);
        return !decoded.contains("/") && !decoded.contains("\\") && !decoded.equals(".") && !decoded.equals("..");
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
