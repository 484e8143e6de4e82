package io.datapusher.worker.testsupport;

import io.restassured.path.json.JsonPath;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/** Reads jobs through the service's own REST API, as an operator would. */
public final class Jobs {

    private static final List<String> ENDED = List.of("complete", "skipped", "metadata_pending", "failed", "superseded");

    private Jobs() {
    }

    /** Waits until the newest job of a resource has ended, and returns it. */
    public static JsonPath awaitEnded(String resourceId, Duration timeout) {
        AtomicReference<JsonPath> job = new AtomicReference<>();
        await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonPath jobs = given().queryParam("resource_id", resourceId).get("/api/jobs").then()
                    .statusCode(200).extract().jsonPath();
            List<Map<String, Object>> all = jobs.getList("$");
            if (all.isEmpty() || !ENDED.contains((String) all.get(0).get("status"))) {
                return false;
            }
            job.set(new JsonPath(given().get("/api/jobs/" + all.get(0).get("job_id")).asString()));
            return true;
        });
        return job.get();
    }

    public static JsonPath awaitEnded(String resourceId) {
        return awaitEnded(resourceId, Duration.ofSeconds(90));
    }

    /** All jobs of a resource, newest first. */
    public static List<Map<String, Object>> of(String resourceId) {
        return given().queryParam("resource_id", resourceId).get("/api/jobs").then().statusCode(200)
                .extract().jsonPath().getList("$");
    }
}
