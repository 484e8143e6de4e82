package io.datapusher.worker.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks the fake answers as CKAN 2.10 does: the response envelope, its errors, and the actions the worker calls. */
class FakeCkanTest {

    private static final String TOKEN = "sysadmin-token";
    private static final String ID = "5b4c3f6e-2d7a-4c1b-9f0e-1a2b3c4d5e6f";
    private static final byte[] CSV = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);

    private static FakeCkan ckan;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void startFake() {
        ckan = FakeCkan.start().token(TOKEN);
    }

    @AfterAll
    static void stopFake() {
        ckan.close();
    }

    @BeforeEach
    void resetFake() {
        ckan.reset();
        ckan.addResource(ID, CSV, "CSV");
    }

    private HttpResponse<String> post(String path, String body, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(ckan.baseUrl() + path))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        return JSON.readTree(r.body());
    }

    @Test
    void statusShowHasTheEnvelopeOnBothRoutes() throws Exception {
        ckan.version("2.10.10");
        for (String path : new String[] {"/api/3/action/status_show", "/api/action/status_show"}) {
            HttpResponse<String> r = post(path, "{}", null);
            assertEquals(200, r.statusCode());
            assertEquals("application/json;charset=utf-8", r.headers().firstValue("Content-Type").orElseThrow());
            assertEquals(String.valueOf(r.body().getBytes(StandardCharsets.UTF_8).length),
                    r.headers().firstValue("Content-Length").orElseThrow());
            JsonNode body = json(r);
            assertEquals(ckan.baseUrl() + "/api/3/action/help_show?name=status_show", body.get("help").asText());
            assertTrue(body.get("success").asBoolean());
            assertEquals("2.10.10", body.at("/result/ckan_version").asText());
            assertEquals(ckan.baseUrl(), body.at("/result/site_url").asText());
            assertTrue(body.at("/result/extensions").toString().contains("\"datastore\""));
        }
    }

    @Test
    void resourceShowWorksAnonymouslyAndServesTheFile() throws Exception {
        JsonNode result = json(post("/api/3/action/resource_show", "{\"id\":\"" + ID + "\"}", null)).get("result");
        assertEquals(ID, result.get("id").asText());
        assertEquals("upload", result.get("url_type").asText());
        assertEquals("", result.get("hash").asText());
        assertFalse(result.get("datastore_active").asBoolean());
        assertEquals(CSV.length, result.get("size").asInt());
        String url = result.get("url").asText();
        assertTrue(url.startsWith(ckan.baseUrl() + "/dataset/" + result.get("package_id").asText() + "/resource/" + ID
                + "/download/"), url);

        HttpResponse<String> file = get(url);
        assertEquals(200, file.statusCode());
        assertEquals("a,b\n1,2\n", file.body());
        assertEquals("text/csv", file.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(String.valueOf(CSV.length), file.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(1, ckan.downloads(ID));

        ckan.downloadStatus(ID, 500);
        assertEquals(500, get(url).statusCode());
        assertEquals(2, ckan.downloads(ID));
    }

    /** As real CKAN 2.10, 2.11 and 2.12 answer (seen by the real-CKAN suite's editor test). */
    @Test
    void anUploadClaimingAnotherResourcesUrlIsServedFromItsOwnMissingFile() throws Exception {
        String claimed = ckan.fileUrl(ID);
        String other = UUID.randomUUID().toString();
        Map<String, Object> resource = new HashMap<>();
        resource.put("id", other);
        resource.put("url", claimed);
        resource.put("url_type", "upload");
        ckan.addResource(resource);

        String url = json(post("/api/3/action/resource_show", "{\"id\":\"" + other + "\"}", null)).at("/result/url").asText();
        assertEquals(ckan.baseUrl() + "/dataset/" + ckan.resource(other).get("package_id") + "/resource/" + other
                + "/download/" + claimed.substring(claimed.lastIndexOf('/') + 1), url, "CKAN keeps only the file name");
        assertEquals(500, get(url).statusCode(), "CKAN's FileNotFoundError: no file was ever stored for it");
    }

    @Test
    void aPrivateFileIsForbiddenToAnonymousReadersAndServedToTheSysadmin() throws Exception {
        ckan.setPrivate(ID, true);

        assertEquals(403, get(ckan.fileUrl(ID)).statusCode());
        HttpResponse<String> sysadmin = http.send(HttpRequest.newBuilder(URI.create(ckan.fileUrl(ID)))
                .header("Authorization", TOKEN).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("a,b\n1,2\n", sysadmin.body());
    }

    @Test
    void aFileOnDiskIsStreamedAndAByteReplacementTakesOver(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("big.csv"), "x,y\n3,4\n5,6\n");
        ckan.replaceFile(ID, file);
        String url = ckan.fileUrl(ID);
        HttpResponse<String> served = get(url);
        assertEquals(200, served.statusCode());
        assertEquals("x,y\n3,4\n5,6\n", served.body());
        assertEquals("12", served.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(12L, ((Number) ckan.resource(ID).get("size")).longValue());

        ckan.replaceFile(ID, CSV);
        assertEquals("a,b\n1,2\n", get(url).body());
    }

    @Test
    void unknownResourceIs404() throws Exception {
        HttpResponse<String> r = post("/api/3/action/resource_show", "{\"id\":\"nope\"}", TOKEN);
        assertEquals(404, r.statusCode());
        JsonNode body = json(r);
        assertFalse(body.get("success").asBoolean());
        assertEquals("Not Found Error", body.at("/error/__type").asText());
        assertEquals("Not found: Resource was not found.", body.at("/error/message").asText());
        assertEquals(ckan.baseUrl() + "/api/3/action/help_show?name=resource_show", body.get("help").asText());
    }

    @Test
    void anonymousPatchIs403AndBearerIsNotAccepted() throws Exception {
        String patch = "{\"id\":\"" + ID + "\",\"datastore_active\":true}";
        for (String token : new String[] {null, "Bearer " + TOKEN, "wrong"}) {
            HttpResponse<String> r = post("/api/3/action/resource_patch", patch, token);
            assertEquals(403, r.statusCode());
            assertEquals("Authorization Error", json(r).at("/error/__type").asText());
            assertEquals("Access denied: Action resource_patch requires an authenticated user",
                    json(r).at("/error/message").asText());
        }
        assertEquals(false, ckan.resource(ID).get("datastore_active"));
        assertEquals(3, ckan.patches().size());
    }

    @Test
    void patchMergesAndRequiresId() throws Exception {
        HttpResponse<String> r = post("/api/3/action/resource_patch",
                "{\"id\":\"" + ID + "\",\"datastore_active\":true,\"hash\":\"abc\","
                        + "\"datastore_contains_all_records_of_source_file\":true}", TOKEN);
        assertEquals(200, r.statusCode());
        assertEquals("abc", json(r).at("/result/hash").asText());
        Map<String, Object> stored = ckan.resource(ID);
        assertEquals(true, stored.get("datastore_active"));
        assertEquals(true, stored.get("datastore_contains_all_records_of_source_file"));
        assertEquals("CSV", stored.get("format"));
        assertEquals("abc", ckan.patches().get(0).get("hash"));

        HttpResponse<String> missing = post("/api/3/action/resource_patch", "{\"hash\":\"x\"}", TOKEN);
        assertEquals(409, missing.statusCode());
        assertEquals("{\"__type\":\"Validation Error\",\"id\":[\"Missing value\"]}", json(missing).get("error").toString());
    }

    @Test
    void solrDownFailsThePatchWithoutPersistingIt() throws Exception {
        ckan.solrDown(true);
        HttpResponse<String> r = post("/api/3/action/resource_patch",
                "{\"id\":\"" + ID + "\",\"datastore_active\":true}", TOKEN);
        assertEquals(500, r.statusCode());
        JsonNode body = json(r);
        assertFalse(body.get("success").asBoolean());
        assertEquals("Search Index Error", body.at("/error/__type").asText());
        assertTrue(body.at("/error/message").asText().startsWith("Unable to add package to search index: "
                + "Solr returned an error: Failed to connect to server at http://solr:8983/solr/ckan/update?commit=true: "));
        assertEquals(false, ckan.resource(ID).get("datastore_active"));
        assertEquals(200, post("/api/3/action/resource_show", "{\"id\":\"" + ID + "\"}", TOKEN).statusCode());
    }

    @Test
    void badRequestsAreBareJsonStrings() throws Exception {
        HttpResponse<String> unknown = post("/api/3/action/foo", "{}", TOKEN);
        assertEquals(400, unknown.statusCode());
        assertEquals("\"Bad request - Action name not known: foo\"", unknown.body());

        HttpResponse<String> getPatch = get(ckan.baseUrl() + "/api/3/action/resource_patch?id=" + ID);
        assertEquals(400, getPatch.statusCode());
        assertEquals("Bad request - JSON Error: Invalid request. Please use POST method for your request",
                json(getPatch).asText());

        HttpResponse<String> malformed = post("/api/3/action/resource_show", "{not json", TOKEN);
        assertEquals(400, malformed.statusCode());
        assertTrue(json(malformed).asText().startsWith("Bad request - JSON Error: "), malformed.body());

        HttpResponse<String> getShow = get(ckan.baseUrl() + "/api/3/action/resource_show?id=" + ID);
        assertEquals(200, getShow.statusCode());
    }

    @Test
    void chunkedBodiesArriveEmptyUnlessAccepted() throws Exception {
        String show = "{\"id\":\"" + ID + "\"}";
        HttpRequest chunked = HttpRequest.newBuilder(URI.create(ckan.baseUrl() + "/api/3/action/resource_show"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(show.getBytes(StandardCharsets.UTF_8))))
                .build();
        HttpResponse<String> r = http.send(chunked, HttpResponse.BodyHandlers.ofString());
        assertEquals(409, r.statusCode(), r.body());
        assertEquals("chunked", ckan.requests("resource_show").get(0).header("Transfer-Encoding"));
        ckan.acceptChunkedBodies(true);
        assertEquals(200, http.send(chunked, HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void refusedConnectionsComeBackOnTheSamePort() throws Exception {
        int port = ckan.port();
        ckan.refuseConnections(true);
        assertThrows(ConnectException.class, () -> post("/api/3/action/status_show", "{}", null));
        ckan.refuseConnections(false);
        assertEquals(port, ckan.port());
        assertEquals(200, post("/api/3/action/status_show", "{}", null).statusCode());
    }

    @Test
    void failNextServiceUnavailableSlowAndBadToken() throws Exception {
        ckan.failNext("resource_show", 500, 2);
        String show = "{\"id\":\"" + ID + "\"}";
        HttpResponse<String> first = post("/api/3/action/resource_show", show, TOKEN);
        assertEquals(500, first.statusCode());
        assertEquals("Internal Server Error", json(first).at("/error/__type").asText());
        assertEquals(500, post("/api/3/action/resource_show", show, TOKEN).statusCode());
        assertEquals(200, post("/api/3/action/resource_show", show, TOKEN).statusCode());

        ckan.serviceUnavailable(true);
        HttpResponse<String> down = post("/api/3/action/status_show", "{}", null);
        assertEquals(503, down.statusCode());
        assertTrue(down.body().contains("503 Service Temporarily Unavailable"));
        ckan.serviceUnavailable(false);

        ckan.slow(Duration.ofMillis(300));
        long start = System.nanoTime();
        post("/api/3/action/status_show", "{}", null);
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(300).toNanos());
        ckan.slow(Duration.ZERO);

        ckan.badToken(true);
        assertEquals(403, post("/api/3/action/resource_patch", "{\"id\":\"" + ID + "\"}", TOKEN).statusCode());
        ckan.badToken(false);
        assertEquals(200, post("/api/3/action/resource_patch", "{\"id\":\"" + ID + "\"}", TOKEN).statusCode());

        assertEquals(3, ckan.requests("resource_show").size());
        ckan.reset();
        assertTrue(ckan.requests().isEmpty());
        assertEquals(null, ckan.resource(ID));
    }
}
