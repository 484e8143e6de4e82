package io.datapusher.worker.rest;

import io.datapusher.worker.testsupport.ApiTokenHeader;
import io.datapusher.worker.testsupport.EndToEndTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** With no INGEST_API_TOKEN the jobs API is closed to everyone, whatever they send. */
@QuarkusTest
@TestProfile(ApiClosedWithoutTokenTest.NoApiToken.class)
public class ApiClosedWithoutTokenTest extends EndToEndTest {

    public static class NoApiToken implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ingest.api-token", "");
        }
    }

    @Test
    void everyApiEndpointAnswers403() {
        String job = UUID.randomUUID().toString();
        for (String authorization : new String[] {"Bearer " + ApiTokenHeader.TOKEN, "Bearer ", "Bearer"}) {
            given().header("Authorization", authorization).get("/api/jobs").then().statusCode(403);
            given().header("Authorization", authorization).get("/api/jobs/" + job).then().statusCode(403);
            given().header("Authorization", authorization).contentType(ContentType.JSON)
                    .body("{\"resource_id\": \"" + UUID.randomUUID() + "\"}").post("/api/jobs").then().statusCode(403);
            given().header("Authorization", authorization).post("/api/jobs/" + job + "/retry-metadata").then().statusCode(403);
            String resource = UUID.randomUUID().toString();
            given().header("Authorization", authorization).get("/api/resources/" + resource + "/history").then().statusCode(403);
            given().header("Authorization", authorization).post("/api/resources/" + resource + "/restore").then().statusCode(403);
            given().header("Authorization", authorization).post("/api/resources/" + resource + "/preview").then().statusCode(403);
        }
    }

    @Test
    void theHealthChecksStayOpen() {
        given().get("/q/health/live").then().statusCode(200);
    }
}
