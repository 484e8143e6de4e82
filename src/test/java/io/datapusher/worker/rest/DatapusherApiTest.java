package io.datapusher.worker.rest;

import io.datapusher.worker.testsupport.EndToEndTest;
import io.datapusher.worker.testsupport.IngestTestEnvironment;
import io.datapusher.worker.testsupport.Jobs;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DataPusher API as CKAN's own datapusher plugin calls it: {@code POST /job} with the body of
 * {@code datapusher_submit}, and {@code GET /job/{id}} with the job key, which feeds the DataStore tab.
 */
@QuarkusTest
class DatapusherApiTest extends EndToEndTest {

    @TestHTTPResource("/")
    URL worker;

    /** What CKAN's datapusher_status does with every log timestamp: strptime with %Y-%m-%dT%H:%M:%S.%f. */
    private static final DateTimeFormatter CKAN_STRPTIME = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd'T'HH:mm:ss.")
            .appendFraction(ChronoField.MICRO_OF_SECOND, 1, 6, false)
            .toFormatter();

    @Test
    void postJobQueuesTheJobAndAnswersWithItsIdAndKey() {
        String rid = resource("a,b\n1,2\n");

        Response answer = post(submission(ckan.token(), rid));

        answer.then().statusCode(200)
                .body("job_id", notNullValue())
                .body("job_key", notNullValue())
                .body("status", equalTo("pending"))
                .body("metadata.resource_id", equalTo(rid))
                .body("logs", instanceOf(List.class));
        assertFalse(answer.asString().contains(ckan.token()), "the token is never echoed");
        assertEquals("complete", Jobs.awaitEnded(rid).getString("status"), "the queued job runs like any other");
    }

    @Test
    void getJobNeedsTheJobKeyAndShowsTheLogWithCkansTimestamps() {
        String rid = resource("a,b\n1,2\n");
        ckan.datapusherUrl(worker.toString());
        Map<String, Object> submitted = ckan.datapusherSubmit(rid, false).answer();
        String jobId = submitted.get("job_id").toString();
        String jobKey = submitted.get("job_key").toString();
        Jobs.awaitEnded(rid);
        await().atMost(Duration.ofSeconds(30)).until(() -> "complete".equals(ckan.task(rid).get("state")));

        JsonPath job = given().header("Authorization", jobKey).get("/job/" + jobId)
                .then().statusCode(200).extract().jsonPath();

        assertEquals("complete", job.getString("status"));
        assertEquals(rid, job.getString("metadata.resource_id"));
        List<Map<String, Object>> logs = job.getList("logs");
        List<String> messages = logs.stream().map(l -> l.get("message").toString()).toList();
        for (String step : List.of("fetch-resource", "download", "analyze", "load", "update-metadata")) {
            assertTrue(messages.stream().anyMatch(m -> m.startsWith(step + ": ")), step + " in " + messages);
        }
        for (Map<String, Object> line : logs) {
            String timestamp = line.get("timestamp").toString();
            assertTrue(timestamp.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}"), timestamp);
            LocalDateTime.parse(timestamp, CKAN_STRPTIME);
            assertEquals("INFO", line.get("level"), line.toString());
        }
        assertFalse(job.prettify().contains("job_key"), "GET /job never shows the key");
        assertFalse(job.prettify().contains(ckan.token()), "nor the token");

        given().header("Authorization", "not-the-key").get("/job/" + jobId).then().statusCode(403)
                .body("error", instanceOf(String.class));
        given().get("/job/" + jobId).then().statusCode(403);
        given().header("Authorization", jobKey).get("/job/" + UUID.randomUUID())
                .then().statusCode(404).body("error", instanceOf(String.class));
        given().get("/job/not-a-job").then().statusCode(404);
    }

    @Test
    void theApiKeyMustBeTheWorkersOwnTokenAndIsNeverStored() throws Exception {
        String rid = resource("a,b\n1,2\n");

        post(submission("someone-elses-token", rid)).then().statusCode(403).body("error", instanceOf(String.class));
        Map<String, Object> withoutKey = submission(ckan.token(), rid);
        withoutKey.remove("api_key");
        post(withoutKey).then().statusCode(403).body("error", instanceOf(String.class));
        assertTrue(Jobs.of(rid).isEmpty(), "a refused submission creates no job");

        post(submission(ckan.token(), rid)).then().statusCode(200);
        Jobs.awaitEnded(rid);
        IngestTestEnvironment.jobsExecute("DO $$ BEGIN IF EXISTS (SELECT 1 FROM ingest_job WHERE ingest_job::text LIKE '%"
                + ckan.token() + "%') THEN RAISE EXCEPTION 'the token is stored'; END IF; END $$");
    }

    @Test
    void badBodiesGetAClientErrorWithAStringError() {
        String rid = resource("a,b\n1,2\n");
        given().contentType(ContentType.JSON).body("{not json").post("/job")
                .then().statusCode(400).body("error", instanceOf(String.class));
        given().contentType(ContentType.JSON).body("[]").post("/job")
                .then().statusCode(400).body("error", instanceOf(String.class));

        Map<String, Object> noMetadata = submission(ckan.token(), rid);
        noMetadata.remove("metadata");
        post(noMetadata).then().statusCode(400).body("error", equalTo("metadata must be a JSON object"));

        Map<String, Object> noResource = submission(ckan.token(), rid);
        metadata(noResource).remove("resource_id");
        post(noResource).then().statusCode(400).body("error", equalTo("metadata.resource_id is required"));

        Map<String, Object> otherJob = submission(ckan.token(), rid);
        otherJob.put("job_type", "push_to_elsewhere");
        post(otherJob).then().statusCode(400).body("error", instanceOf(String.class));
        assertTrue(Jobs.of(rid).isEmpty());
    }

    @Test
    void aCallbackOrCkanUrlOutsideCkansOriginIsRefusedAndNeverCalled() throws Exception {
        String rid = resource("a,b\n1,2\n");
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer elsewhere = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        elsewhere.createContext("/", exchange -> {
            calls.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        elsewhere.start();
        String there = "http://127.0.0.1:" + elsewhere.getAddress().getPort();
        try {
            Map<String, Object> foreignCallback = submission(ckan.token(), rid);
            foreignCallback.put("result_url", there + "/api/3/action/datapusher_hook");
            post(foreignCallback).then().statusCode(400)
                    .body("error", equalTo("result_url is not on CKAN_URL's origin; the worker sends callbacks and its "
                            + "token only to its own CKAN (if CKAN's site_url differs from CKAN_URL, set "
                            + "ckan.datapusher.callback_url_base to CKAN_URL)"));

            Map<String, Object> foreignCkan = submission(ckan.token(), rid);
            metadata(foreignCkan).put("ckan_url", there);
            post(foreignCkan).then().statusCode(400).body("error", instanceOf(String.class));

            Map<String, Object> otherPort = submission(ckan.token(), rid);
            otherPort.put("result_url", "http://127.0.0.1:" + (ckan.port() + 1) + "/api/3/action/datapusher_hook");
            post(otherPort).then().statusCode(400);

            assertTrue(Jobs.of(rid).isEmpty());
            assertEquals(0, calls.get(), "nothing is ever sent to a foreign callback");
        } finally {
            elsewhere.stop(0);
        }
    }

    private Response post(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post("/job");
    }

    /** The body of CKAN's datapusher_submit, as ckanext/datapusher/logic/action.py builds it. */
    private Map<String, Object> submission(String apiKey, String rid) {
        Map<String, Object> metadata = new java.util.LinkedHashMap<>();
        metadata.put("ignore_hash", false);
        metadata.put("ckan_url", ckan.baseUrl());
        metadata.put("resource_id", rid);
        metadata.put("set_url_type", false);
        metadata.put("task_created", "2026-12-02 10:00:00.123456");
        metadata.put("original_url", ckan.fileUrl(rid));
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("api_key", apiKey);
        body.put("job_type", "push_to_datastore");
        body.put("result_url", ckan.baseUrl() + "/api/3/action/datapusher_hook");
        body.put("metadata", metadata);
        return body;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metadata(Map<String, Object> body) {
        return (Map<String, Object>) body.get("metadata");
    }

    private String resource(String csv) {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, csv.getBytes(StandardCharsets.UTF_8), "CSV");
        return rid;
    }
}
