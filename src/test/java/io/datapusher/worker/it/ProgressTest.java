package io.datapusher.worker.it;

import io.datapusher.worker.testsupport.EndToEndTest;
import io.datapusher.worker.testsupport.Jobs;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A running load shows how far it is: {@code GET /api/jobs/{id}} has a {@code progress} whose phase
 * and rows move while the job runs, and a long load's upload log (CKAN's DataStore tab, through
 * {@code GET /job/{id}}) has "Loaded N of M rows" lines. A reader holding the live table keeps the
 * job at its swap, so the test sees it running with all its rows in, whatever the machine's speed.
 */
@QuarkusTest
class ProgressTest extends EndToEndTest {

    private static final int LONG_LOAD = 150_000;
    private static final List<String> PHASES = List.of("download", "analysis", "fill", "indexes", "swap",
            "post-swap-indexes", "done");
    private static final Pattern LOADED = Pattern.compile("Loaded ([0-9,]+) of ([0-9,]+) rows");

    @TestHTTPResource("/")
    URL worker;

    @Test
    void aRunningLoadShowsItsPhaseAndRowsAndItsLogSaysHowManyRowsAreIn() throws Exception {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, "id,name,amount\n0,zero,0\n".getBytes(StandardCharsets.UTF_8), "CSV");
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        assertEquals("complete", Jobs.awaitEnded(rid).getString("status"));
        byte[] file = longCsv();
        ckan.replaceFile(rid, file);
        ckan.datapusherUrl(worker.toString());

        List<Map<String, Object>> seen = new ArrayList<>();
        String jobId;
        String jobKey;
        try (Connection reader = datastore().asReader(); Statement st = reader.createStatement()) {
            reader.setAutoCommit(false);
            st.executeQuery("SELECT count(*) FROM \"" + rid + "\"").close();
            Map<String, Object> submitted = ckan.datapusherSubmit(rid, true).answer();
            jobId = submitted.get("job_id").toString();
            jobKey = submitted.get("job_key").toString();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
                JsonPath job = new JsonPath(given().get("/api/jobs/" + jobId).then().statusCode(200).extract().asString());
                Map<String, Object> progress = job.getMap("progress");
                if (progress != null && "running".equals(job.getString("status"))) {
                    seen.add(progress);
                }
                return progress != null && "swap".equals(progress.get("phase"));
            });
            reader.commit();
        }

        Map<String, Object> first = seen.get(0);
        Map<String, Object> atSwap = seen.get(seen.size() - 1);
        assertEquals(java.util.Set.of("phase", "rows_done", "rows_total", "bytes_done", "bytes_total", "eta_seconds"),
                atSwap.keySet(), "the contract's fields (jsonb keeps no order)");
        assertTrue(PHASES.indexOf((String) first.get("phase")) < PHASES.indexOf("swap"), "seen before the swap: " + seen);
        // Whether a write lands mid-fill depends on the machine's speed (a fast one fills 150,000 rows
        // within one 2 s interval), so the rows' arithmetic mid-phase is ProgressReporterTest's, on its clock.
        assertEquals(LONG_LOAD, ((Number) atSwap.get("rows_done")).intValue(), "all rows are in while the job still runs");
        assertEquals(LONG_LOAD, ((Number) atSwap.get("rows_total")).intValue());
        assertEquals(file.length, ((Number) atSwap.get("bytes_done")).intValue());
        assertEquals(file.length, ((Number) atSwap.get("bytes_total")).intValue());
        assertNull(atSwap.get("eta_seconds"), "a swap has no total to estimate from");
        int lastPhase = -1;
        long lastRows = -1;
        for (Map<String, Object> progress : seen) {
            int phase = PHASES.indexOf((String) progress.get("phase"));
            assertTrue(phase >= lastPhase, "phases only move forward: " + seen);
            Object rows = progress.get("rows_done");
            if (phase >= PHASES.indexOf("analysis")) {
                long now = ((Number) rows).longValue();
                assertTrue(phase != lastPhase || now >= lastRows, "rows only grow within a phase: " + seen);
                lastRows = now;
            }
            lastPhase = phase;
        }

        JsonPath ended = Jobs.awaitEnded(rid);
        assertEquals("complete", ended.getString("status"), ended.prettify());
        await().atMost(Duration.ofSeconds(10)).until(() -> "done".equals(
                given().get("/api/jobs/" + jobId).then().extract().jsonPath().getString("progress.phase")));
        JsonPath done = given().get("/api/jobs/" + jobId).then().extract().jsonPath();
        assertEquals(LONG_LOAD, done.getInt("progress.rows_done"));
        assertEquals(0, done.getInt("progress.eta_seconds"));

        List<String> log = given().header("Authorization", jobKey).get("/job/" + jobId).then().statusCode(200)
                .extract().jsonPath().getList("logs.message", String.class);
        List<Long> loaded = new ArrayList<>();
        for (String line : log) {
            Matcher m = LOADED.matcher(line);
            if (m.matches()) {
                assertEquals(LONG_LOAD, Long.parseLong(m.group(2).replace(",", "")), line);
                loaded.add(Long.parseLong(m.group(1).replace(",", "")));
            }
        }
        assertFalse(loaded.isEmpty(), "a long load's log says how many rows are in: " + log);
        assertEquals(LONG_LOAD, loaded.get(loaded.size() - 1), "the last line says all rows are in: " + log);
        assertEquals(loaded.stream().sorted().distinct().toList(), loaded, "each line further than the one before: " + log);
        assertTrue(loaded.size() <= 10, "at most one line a tenth: " + log);
        assertTrue(log.contains(String.format(java.util.Locale.ROOT, "Loaded %,d of %,d rows", LONG_LOAD, LONG_LOAD)), log.toString());
        int lastLoaded = log.lastIndexOf(String.format(java.util.Locale.ROOT, "Loaded %,d of %,d rows", LONG_LOAD, LONG_LOAD));
        assertTrue(log.get(lastLoaded + 1).startsWith("load: "), "the lines come within the load step: " + log);
    }

    @Test
    void aShortLoadsLogHasNoLoadedLines() throws Exception {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, "a,b\n1,2\n3,4\n".getBytes(StandardCharsets.UTF_8), "CSV");
        ckan.datapusherUrl(worker.toString());
        Map<String, Object> submitted = ckan.datapusherSubmit(rid, false).answer();
        String jobId = submitted.get("job_id").toString();
        assertEquals("complete", Jobs.awaitEnded(rid).getString("status"));
        await().atMost(Duration.ofSeconds(10)).until(() -> "done".equals(
                given().get("/api/jobs/" + jobId).then().extract().jsonPath().getString("progress.phase")));

        JsonPath job = given().get("/api/jobs/" + jobId).then().extract().jsonPath();
        assertEquals(2, job.getInt("progress.rows_done"));
        assertEquals(2, job.getInt("progress.rows_total"));
        List<String> log = given().header("Authorization", submitted.get("job_key").toString()).get("/job/" + jobId)
                .then().statusCode(200).extract().jsonPath().getList("logs.message", String.class);
        assertTrue(log.stream().noneMatch(line -> line.startsWith("Loaded ")), log.toString());
    }

    private static byte[] longCsv() {
        StringBuilder csv = new StringBuilder(LONG_LOAD * 24).append("id,name,amount\n");
        for (int i = 1; i <= LONG_LOAD; i++) {
            csv.append(i).append(",row ").append(i).append(',').append(i % 1000).append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }
}
