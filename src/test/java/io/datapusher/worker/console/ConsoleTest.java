package io.datapusher.worker.console;

import io.datapusher.worker.testsupport.ApiTokenHeader;
import io.datapusher.worker.testsupport.EndToEndTest;
import io.datapusher.worker.testsupport.IngestTestEnvironment;
import io.datapusher.worker.testsupport.Jobs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.http.Cookie;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console at {@code /}: its sign-in, its CSRF guard, its escaping, and its pages and buttons. */
@QuarkusTest
class ConsoleTest extends EndToEndTest {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final String HOSTILE = "<script>alert(1)</script>";

    @Test
    void signingInSetsAnHttpOnlySameSiteStrictCookieThatIsNotTheToken() {
        Response answer = signInAnswer(ApiTokenHeader.TOKEN);
        answer.then().statusCode(303).header("Location", endsWith("/"));
        Cookie cookie = answer.getDetailedCookie(ConsoleSession.COOKIE);
        assertTrue(cookie.isHttpOnly(), cookie.toString());
        assertEquals("Strict", cookie.getSameSite(), cookie.toString());
        assertEquals("/", cookie.getPath());
        assertFalse(cookie.isSecured(), "plain HTTP: a Secure cookie would never come back");
        assertFalse(cookie.getValue().contains(ApiTokenHeader.TOKEN), cookie.getValue());

        console(cookie.getValue()).get("/").then().statusCode(200).body(containsString("<h1>Jobs</h1>"));
        given().get("/login").then().statusCode(200);
        console(cookie.getValue()).redirects().follow(false).get("/login").then().statusCode(303);
    }

    @Test
    void aWrongTokenIsRefusedAndSetsNoCookie() {
        Response answer = signInAnswer("not-" + ApiTokenHeader.TOKEN);
        answer.then().statusCode(401).body(containsString("That is not the token"));
        assertEquals(null, answer.getDetailedCookie(ConsoleSession.COOKIE));
    }

    @Test
    void withoutASessionThePagesSendToTheSignInAndTheButtonsDoNothing() {
        String rid = UUID.randomUUID().toString();
        for (String page : List.of("/", "/follow-ups", "/resources/" + rid, "/jobs/" + UUID.randomUUID())) {
            given().redirects().follow(false).get(page).then().statusCode(303).header("Location", endsWith("/login"));
            console("1999999999.00.forged").get(page).then().statusCode(303);
        }
        // the API's bearer token is not a console session
        given().redirects().follow(false).header("Authorization", "Bearer " + ApiTokenHeader.TOKEN).get("/")
                .then().statusCode(303);
        given().contentType(ContentType.URLENC).formParam("csrf", "x").post("/resources/" + rid + "/preview")
                .then().statusCode(403);
        assertEquals(0, Jobs.of(rid).size());
    }

    @Test
    void everyButtonRefusesAPostWithoutItsSessionsCsrfToken() {
        String rid = resource("a,b\n1,2\n");
        String session = signIn();
        String other = signIn();
        String job = UUID.randomUUID().toString();
        List<String> buttons = List.of("/resources/" + rid + "/preview", "/resources/" + rid + "/restore",
                "/jobs/" + job + "/retry", "/logout");
        for (String button : buttons) {
            console(session).contentType(ContentType.URLENC).formParam("version", "x").post(button)
                    .then().statusCode(403).body(containsString("nothing was done"));
            console(session).contentType(ContentType.URLENC).formParam("csrf", "forged").post(button).then().statusCode(403);
            console(session).contentType(ContentType.URLENC).formParam("csrf", csrf(other)).post(button).then().statusCode(403);
        }
        assertEquals(0, Jobs.of(rid).size(), "no refused button queued anything");
        console(session).get("/").then().statusCode(200);
    }

    @Test
    void thePreviewButtonQueuesAPreviewAndShowsItsJob() {
        String rid = resource("id,name\n1,Ada\n2,Grace\n");
        String session = signIn();
        Response queued = press(session, "/resources/" + rid + "/preview");
        queued.then().statusCode(303).header("Location", containsString("/jobs/"));
        assertEquals("complete", Jobs.awaitEnded(rid).getString("status"));
        assertEquals("preview", Jobs.of(rid).get(0).get("kind"));
        console(session).get(path(queued)).then().statusCode(200)
                .body(containsString("id=\"preview-rows\""))
                .body(containsString("<td>Grace</td>"))
                .body(containsString("Complete: a preview only"));
    }

    @Test
    void theResourcePageListsKeptVersionsAndItsRestoreButtonRestoresOne() throws Exception {
        String rid = resource("id,name\n1,first\n");
        given().contentType(ContentType.JSON).body("{\"resource_id\": \"" + rid + "\"}").post("/api/jobs").then().statusCode(202);
        String firstJob = Jobs.awaitEnded(rid).getString("job_id");
        ckan.replaceFile(rid, "id,name\n1,second\n2,second again\n".getBytes(StandardCharsets.UTF_8));
        given().contentType(ContentType.JSON).body("{\"resource_id\": \"" + rid + "\"}").post("/api/jobs").then().statusCode(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> Jobs.of(rid).size() == 2
                && "complete".equals(Jobs.of(rid).get(0).get("status")));

        String session = signIn();
        String page = console(session).get("/resources/" + rid).then().statusCode(200).extract().asString();
        assertTrue(page.contains("name=\"version\" value=\"" + firstJob + "\""), page);
        Response restored = console(session).contentType(ContentType.URLENC).formParam("csrf", csrf(session))
                .formParam("version", firstJob).post("/resources/" + rid + "/restore");
        restored.then().statusCode(303);
        await().atMost(Duration.ofSeconds(60)).until(() -> Jobs.of(rid).size() == 3
                && "complete".equals(Jobs.of(rid).get(0).get("status")));
        assertEquals("restore", Jobs.of(rid).get(0).get("kind"));
        assertEquals("1", datastore().queryOne("SELECT count(*) FROM \"" + rid + "\""));

        console(session).contentType(ContentType.URLENC).formParam("csrf", csrf(session)).formParam("version", "no-such-version")
                .post("/resources/" + rid + "/restore").then().statusCode(404).body(containsString("The restore was refused"));
    }

    @Test
    void aParkedFollowUpIsListedAndItsRetryButtonFinishesIt() throws Exception {
        String rid = resource("id,name\n1,Ada\n");
        broker.purge("datapusher.metadata-parked");
        ckan.solrDown(true);
        given().contentType(ContentType.JSON).body("{\"resource_id\": \"" + rid + "\"}").post("/api/jobs").then().statusCode(202);
        await().atMost(Duration.ofSeconds(40)).until(() -> "failed".equals(Jobs.of(rid).get(0).get("status")));
        String jobId = (String) Jobs.of(rid).get(0).get("job_id");

        String session = signIn();
        String page = console(session).get("/follow-ups").then().statusCode(200).extract().asString();
        assertTrue(page.contains("data-job=\"" + jobId + "\""), page);
        assertTrue(page.contains("metadata update (given up)"), page);
        Matcher deadLetters = Pattern.compile("id=\"dead-letters\">(\\d+)<").matcher(page);
        assertTrue(deadLetters.find(), "the dead-letter count is a number: " + page);
        Matcher parked = Pattern.compile("id=\"parked\">(\\d+)<").matcher(page);
        assertTrue(parked.find() && Integer.parseInt(parked.group(1)) >= 1, "the parked event is counted: " + page);

        ckan.solrDown(false);
        press(session, "/jobs/" + jobId + "/retry").then().statusCode(303).header("Location", endsWith("/jobs/" + jobId));
        await().atMost(Duration.ofSeconds(20)).until(() -> "complete".equals(Jobs.of(rid).get(0).get("status")));
        assertFalse(console(session).get("/follow-ups").asString().contains("data-job=\"" + jobId + "\""));
        press(session, "/jobs/" + jobId + "/retry").then().statusCode(409).body(containsString("Nothing to retry"));
    }

    @Test
    void theJobsPageListsJobsNewestFirstFiltersThemAndRefreshesItself() {
        String first = resource("a\n1\n");
        given().contentType(ContentType.JSON).body("{\"resource_id\": \"" + first + "\"}").post("/api/jobs").then().statusCode(202);
        Jobs.awaitEnded(first);
        String second = resource("a\n2\n");
        given().contentType(ContentType.JSON).body("{\"resource_id\": \"" + second + "\"}").post("/api/jobs").then().statusCode(202);
        Jobs.awaitEnded(second);

        String session = signIn();
        String all = console(session).get("/").then().statusCode(200)
                .body(containsString("<meta http-equiv=\"refresh\""))
                .extract().asString();
        assertTrue(all.indexOf(second) < all.indexOf(first), "newest first");
        console(session).queryParam("resource", first).get("/").then().statusCode(200)
                .body(containsString(first)).body(not(containsString(second)));
        console(session).queryParam("status", "failed").queryParam("resource", first).get("/").then().statusCode(200)
                .body(containsString("No jobs for this resource"));
        console(session).queryParam("status", "bogus").get("/").then().statusCode(200)
                .body(containsString("There is no status"));
    }

    @Test
    void aRunningJobShowsItsProgressBarWithRowsAndEta() throws Exception {
        String rid = UUID.randomUUID().toString();
        given().contentType(ContentType.JSON).body("{\"resource_id\": \"" + rid + "\"}").post("/api/jobs").then().statusCode(202);
        String jobId = Jobs.awaitEnded(rid).getString("job_id");
        // what the loader writes while it runs, staged on a job that looks alive for an hour
        IngestTestEnvironment.jobsExecute("UPDATE ingest_job SET status = 'running', step = 'load', finished_at = NULL,"
                + " heartbeat_at = now() + interval '1 hour', progress = '{\"phase\": \"fill\", \"rows_done\": 120000,"
                + " \"rows_total\": 300000, \"bytes_done\": 9000000, \"bytes_total\": 22500000, \"eta_seconds\": 75}'"
                + " WHERE job_id = '" + jobId + "'");

        String session = signIn();
        for (String page : List.of("/", "/jobs/" + jobId, "/resources/" + rid)) {
            console(session).get(page).then().statusCode(200)
                    .body(containsString("<progress max=\"100\" value=\"40\">"))
                    .body(containsString("120,000 of 300,000 rows"))
                    .body(containsString("ETA 1 min 15 s"))
                    .body(containsString("fill"));
        }
        IngestTestEnvironment.jobsExecute("UPDATE ingest_job SET status = 'failed', finished_at = now() WHERE job_id = '"
                + jobId + "'");
        console(session).get("/jobs/" + jobId).then().statusCode(200).body(not(containsString("<progress")));
    }

    @Test
    void whatComesFromFilesOrRequestsIsShownAsTextNeverAsMarkup() {
        String rid = resource("id," + HOSTILE + "\n1,<b>bold</b>\n");
        String session = signIn();
        Response queued = press(session, "/resources/" + rid + "/preview");
        Jobs.awaitEnded(rid);
        String job = console(session).get(path(queued)).then().statusCode(200).extract().asString();
        assertTrue(job.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), job);
        assertTrue(job.contains("&lt;b&gt;bold&lt;/b&gt;"), job);
        assertFalse(job.contains("<script"), job);
        assertFalse(job.contains("<b>bold"), job);

        String reflected = console(session).queryParam("resource", "\"><script>alert(2)</script>").get("/").asString();
        assertFalse(reflected.contains("<script"), reflected);
        assertTrue(reflected.contains("&quot;&gt;&lt;script&gt;"), reflected);
    }

    @Test
    void thePagesForbidScriptsFramesAndCaching() {
        String session = signIn();
        for (String page : List.of("/", "/follow-ups", "/login")) {
            console(session).redirects().follow(false).get(page).then()
                    .header("Content-Security-Policy", containsString("default-src 'none'"))
                    .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                    .header("X-Frame-Options", "DENY")
                    .header("Cache-Control", "no-store");
        }
        given().redirects().follow(false).get("/").then().statusCode(303).header("X-Frame-Options", "DENY");
        given().get("/console.css").then().statusCode(200).contentType(containsString("text/css"));
    }

    @Test
    void signingOutExpiresTheCookie() {
        String session = signIn();
        Response out = press(session, "/logout");
        out.then().statusCode(303).header("Location", endsWith("/login"));
        Cookie expired = out.getDetailedCookie(ConsoleSession.COOKIE);
        assertEquals(0, expired.getMaxAge());
        assertEquals("", expired.getValue());
    }

    @Test
    void theApiAndTheHealthChecksAreUnchanged() {
        given().get("/api/jobs").then().statusCode(200);
        given().header("Authorization", "Bearer wrong").get("/api/jobs").then().statusCode(401);
        String session = signIn();
        // a console session does not open the API
        given().header("Authorization", "Bearer ").cookie(ConsoleSession.COOKIE, session).get("/api/jobs").then().statusCode(401);
        given().get("/q/health/live").then().statusCode(200);
        given().get("/job/" + UUID.randomUUID()).then().statusCode(404);
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/jobs")).body(not(containsString("follow-ups")));
    }

    // ------------------------------------------------------------------ helpers

    private String resource(String csv) {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, csv.getBytes(StandardCharsets.UTF_8), "CSV");
        return rid;
    }

    private static Response signInAnswer(String token) {
        return given().redirects().follow(false).contentType(ContentType.URLENC).formParam("token", token).post("/login");
    }

    /** A new session's cookie value. */
    private static String signIn() {
        String value = signInAnswer(ApiTokenHeader.TOKEN).then().statusCode(303).extract().cookie(ConsoleSession.COOKIE);
        assertNotEquals(null, value);
        return value;
    }

    private static RequestSpecification console(String session) {
        return given().redirects().follow(false).cookie(ConsoleSession.COOKIE, session);
    }

    /** The CSRF token the session's pages carry in their forms. */
    private static String csrf(String session) {
        String page = console(session).get("/").then().statusCode(200).extract().asString();
        Matcher m = CSRF.matcher(page);
        assertTrue(m.find(), page);
        return m.group(1);
    }

    /** Presses a button: a POST form with the session's CSRF token. */
    private static Response press(String session, String action) {
        return console(session).contentType(ContentType.URLENC).formParam("csrf", csrf(session)).post(action);
    }

    private static String path(Response redirect) {
        return java.net.URI.create(redirect.getHeader("Location")).getPath();
    }
}
