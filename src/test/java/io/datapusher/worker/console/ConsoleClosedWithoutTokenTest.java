package io.datapusher.worker.console;

import io.datapusher.worker.rest.ApiClosedWithoutTokenTest;
import io.datapusher.worker.testsupport.ApiTokenHeader;
import io.datapusher.worker.testsupport.EndToEndTest;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

/** With no INGEST_API_TOKEN the console says how to set one, and shows nothing else to anyone. */
@QuarkusTest
@TestProfile(ApiClosedWithoutTokenTest.NoApiToken.class)
class ConsoleClosedWithoutTokenTest extends EndToEndTest {

    @Test
    void everyPageSaysHowToSetATokenAndShowsNothing() {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, "a\n1\n".getBytes(StandardCharsets.UTF_8), "CSV");
        for (String page : List.of("/", "/login", "/follow-ups", "/resources/" + rid, "/jobs/" + UUID.randomUUID())) {
            given().redirects().follow(false).get(page).then().statusCode(403)
                    .body(containsString("INGEST_API_TOKEN"))
                    .body(containsString("id=\"closed\""))
                    .body(not(containsString("<table")))
                    .body(not(containsString("name=\"csrf\"")));
        }
    }

    @Test
    void nobodySignsInAndNoButtonWorks() {
        for (String token : new String[] {"", " ", ApiTokenHeader.TOKEN}) {
            given().redirects().follow(false).contentType(ContentType.URLENC).formParam("token", token).post("/login")
                    .then().statusCode(403).header("Set-Cookie", (String) null);
        }
        given().contentType(ContentType.URLENC).formParam("csrf", "x")
                .post("/resources/" + UUID.randomUUID() + "/preview").then().statusCode(403);
    }

    @Test
    void theHealthChecksStayOpen() {
        given().get("/q/health/live").then().statusCode(200);
    }
}
