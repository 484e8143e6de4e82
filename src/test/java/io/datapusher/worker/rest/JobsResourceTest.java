package io.datapusher.worker.rest;

import io.datapusher.worker.testsupport.EndToEndTest;
import io.datapusher.worker.testsupport.Jobs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The REST contract of docs/api.md. */
@QuarkusTest
class JobsResourceTest extends EndToEndTest {


    @Test
    void postingAJobQueuesItAndTheWorkerRunsItThroughTheBroker() {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8), "CSV");

        String jobId = given().contentType(ContentType.JSON).body("{\"resource_id\": \"" + rid + "\", \"ignore_hash\": false}")
                .post("/api/jobs")
                .then().statusCode(202).body("status", equalTo("queued")).body("job_id", notNullValue())
                .extract().path("job_id");

        assertEquals(jobId, Jobs.awaitEnded(rid).getString("job_id"));
        given().get("/api/jobs/" + jobId).then().statusCode(200)
                .body("status", equalTo("complete"))
                .body("kind", equalTo("load"))
                .body("resource_id", equalTo(rid))
                .body("rows", equalTo(1))
                .body("attempts", equalTo(1))
                .body("steps", hasSize(5));
    }

    @Test
    void aJobWithoutResourceIdIsABadRequest() {
        given().contentType(ContentType.JSON).body("{}").post("/api/jobs").then().statusCode(400);
    }

    @Test
    void anUnknownJobIs404() {
        given().get("/api/jobs/" + UUID.randomUUID()).then().statusCode(404);
        given().get("/api/jobs/not-a-uuid").then().statusCode(404);
    }

    @Test
    void listingFiltersByResourceAndStatusNewestFirst() {
        String rid = UUID.randomUUID().toString();
        given().queryParam("resource_id", rid).get("/api/jobs").then().statusCode(200).body("$", hasSize(0));

        ckan.addResource(rid, "a\n1\n".getBytes(StandardCharsets.UTF_8), "CSV");
        given().contentType(ContentType.JSON).body("{\"resource_id\": \"" + rid + "\"}").post("/api/jobs").then().statusCode(202);
        Jobs.awaitEnded(rid);
        given().contentType(ContentType.JSON).body("{\"resource_id\": \"" + rid + "\"}").post("/api/jobs").then().statusCode(202);
        org.awaitility.Awaitility.await().until(() -> Jobs.of(rid).size() == 2);
        Jobs.awaitEnded(rid);

        given().queryParam("resource_id", rid).get("/api/jobs").then().statusCode(200)
                .body("$", hasSize(2)).body("[0].status", equalTo("skipped")).body("[1].status", equalTo("complete"));
        given().queryParam("resource_id", rid).queryParam("status", "complete").get("/api/jobs").then()
                .statusCode(200).body("$", hasSize(1)).body("status", everyItem(equalTo("complete")));
        given().queryParam("resource_id", rid).queryParam("limit", 1).get("/api/jobs").then()
                .statusCode(200).body("$", hasSize(1));
        given().queryParam("status", "bogus").get("/api/jobs").then().statusCode(400);
    }

    @Test
    void healthMetricsAndOpenApiAreOnTheMainPort() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
    }
}
