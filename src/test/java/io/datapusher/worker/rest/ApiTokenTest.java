package io.datapusher.worker.rest;

import io.datapusher.worker.service.RunningJobs;
import io.datapusher.worker.testsupport.ApiTokenHeader;
import io.datapusher.worker.testsupport.EndToEndTest;
import io.datapusher.worker.testsupport.Jobs;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jobs API needs {@code Authorization: Bearer <INGEST_API_TOKEN>} on every endpoint, reads and
 * writes; CKAN's {@code /job} and the {@code /q} endpoints do not. Plain HTTP, so that nothing adds
 * a header behind the test's back.
 */
@QuarkusTest
class ApiTokenTest extends EndToEndTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TestHTTPResource("/")
    URI root;

    @Inject
    RunningJobs running;

    @Test
    void everyApiEndpointAnswers401WithoutTheToken() throws Exception {
        for (Call call : apiCalls(loadedJob())) {
            HttpResponse<String> response = call.send(null);
            assertEquals(401, response.statusCode(), call.toString());
            assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"), call.toString());
        }
    }

    @Test
    void aWrongTokenIsA401Too() throws Exception {
        String job = loadedJob();
        for (String wrong : List.of("Bearer wrong-token", "Bearer " + ApiTokenHeader.TOKEN + "x",
                "Bearer " + ApiTokenHeader.TOKEN.substring(1), ApiTokenHeader.TOKEN, "Basic " + ApiTokenHeader.TOKEN)) {
            for (Call call : apiCalls(job)) {
                assertEquals(401, call.send(wrong).statusCode(), wrong + " " + call);
            }
        }
    }

    @Test
    void theRightTokenOpensEveryEndpoint() throws Exception {
        String job = loadedJob();
        String bearer = "Bearer " + ApiTokenHeader.TOKEN;
        List<Call> calls = apiCalls(job);

        assertEquals(200, calls.get(0).send(bearer).statusCode());
        assertEquals(200, calls.get(1).send(bearer).statusCode());
        assertEquals(202, calls.get(2).send(bearer).statusCode());
        // the job is complete: nothing is owed to CKAN, which is not a refusal of the caller
        assertEquals(409, calls.get(3).send(bearer).statusCode());
    }

    @Test
    void aRefusedCallChangesNothing() throws Exception {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, "a\n1\n".getBytes(StandardCharsets.UTF_8), "CSV");

        assertEquals(401, new Call("POST", "/api/jobs", "{\"resource_id\": \"" + rid + "\"}").send(null).statusCode());

        assertEquals(List.of(), Jobs.of(rid));
    }

    @Test
    void ckansJobEndpointAndTheHealthChecksNeedNoApiToken() throws Exception {
        HttpResponse<String> health = new Call("GET", "/q/health/ready", null).send(null);
        assertEquals(200, health.statusCode(), health.body());
        // /job keeps its own credentials: a wrong api_key is CKAN's 403, not the jobs API's 401
        HttpResponse<String> job = new Call("POST", "/job", "{\"api_key\": \"wrong\", \"job_type\": \"push_to_datastore\","
                + " \"metadata\": {\"resource_id\": \"x\"}}").send(null);
        assertEquals(403, job.statusCode(), job.body());
        int status = new Call("GET", "/job/" + UUID.randomUUID(), null).send(null).statusCode();
        assertTrue(status == 403 || status == 404, "GET /job/{id} answered " + status);
    }

    @Test
    void theHealthCheckAndMetricsCarryNoFileContent() throws Exception {
        // one job whose file's headers and cells are private, one that failed with an error quoting its cells
        String rid = UUID.randomUUID().toString();
        String secret = "Secret" + UUID.randomUUID().toString().substring(0, 8);
        ckan.addResource(rid, (secret + ",b\n" + secret + ",2\n").getBytes(StandardCharsets.UTF_8), "CSV");
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        assertEquals("complete", Jobs.awaitEnded(rid).getString("status"));
        String failing = UUID.randomUUID().toString();
        ckan.addResource(failing, ("a\n\"" + secret + ",unclosed\n").getBytes(StandardCharsets.UTF_8), "CSV");
        broker.publishToQueue("{\"resource_id\": \"" + failing + "\"}");
        Jobs.awaitEnded(failing);

        for (String path : List.of("/q/health", "/q/health/ready", "/q/health/live", "/q/metrics")) {
            HttpResponse<String> response = new Call("GET", path, null).send(null);
            assertEquals(200, response.statusCode(), path);
            assertFalse(response.body().contains(secret), path + " shows file content");
            assertFalse(response.body().contains(rid), path + " names a resource");
        }
    }

    /** A resource loaded through the queue, and its job: every endpoint has something real to show. */
    private String loadedJob() throws Exception {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, "a\n1\n".getBytes(StandardCharsets.UTF_8), "CSV");
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        String job = Jobs.awaitEnded(rid).getString("job_id");
        // its follow-up (the default views of a first load) runs on after the status is written;
        // until it ends, retry-metadata rightly finds something still owed to CKAN
        await().atMost(Duration.ofSeconds(20)).until(() -> !running.runsHere(UUID.fromString(job)));
        return job + "|" + rid;
    }

    private List<Call> apiCalls(String jobAndResource) {
        String job = jobAndResource.split("\\|")[0];
        String rid = jobAndResource.split("\\|")[1];
        return List.of(
                new Call("GET", "/api/jobs?resource_id=" + rid, null),
                new Call("GET", "/api/jobs/" + job, null),
                new Call("POST", "/api/jobs", "{\"resource_id\": \"" + rid + "\", \"ignore_hash\": true}"),
                new Call("POST", "/api/jobs/" + job + "/retry-metadata", null));
    }

    private final class Call {
        private final String method;
        private final String path;
        private final String body;

        Call(String method, String path, String body) {
            this.method = method;
            this.path = path;
            this.body = body;
        }

        HttpResponse<String> send(String authorization) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(root.resolve(path)).timeout(Duration.ofSeconds(15))
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }
}
