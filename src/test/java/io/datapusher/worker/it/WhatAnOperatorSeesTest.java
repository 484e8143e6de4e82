package io.datapusher.worker.it;

import io.datapusher.worker.service.LogContext;
import io.datapusher.worker.testsupport.EndToEndTest;
import io.datapusher.worker.testsupport.Jobs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an operator sees of a real load: every log line written while a job runs names the job
 * ({@code job_id} and {@code resource_id} in the MDC), on the event loop and on the worker threads
 * alike, and the Prometheus metrics the README lists move.
 */
@QuarkusTest
class WhatAnOperatorSeesTest extends EndToEndTest {

    private static final String CSV = "name,amount\nAda,12\nGrace,7\nLinus,3\n";

    /** Keeps each record with the MDC it was written with. */
    private static final class Capture extends Handler {
        final List<ExtLogRecord> records = new CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord record) {
            if (record instanceof ExtLogRecord ext && ext.getLoggerName() != null
                    && ext.getLoggerName().startsWith("io.datapusher.worker")) {
                ext.copyAll();
                records.add(ext);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        List<ExtLogRecord> of(String resourceId) {
            return records.stream().filter(r -> r.getFormattedMessage().contains(resourceId)
                    || resourceId.equals(r.getMdc(LogContext.RESOURCE_ID))).toList();
        }
    }

    private final Capture capture = new Capture();

    @BeforeEach
    void captureLogs() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void everyLineOfAJobCarriesItsIdAndTheMetricsMove() throws Exception {
        double completeBefore = metric("datapusher_jobs_total", "status=\"complete\"");
        double loadStepsBefore = metric("datapusher_step_seconds_count", "step=\"load\"");
        double rowsBefore = metric("datapusher_rows_loaded_total", null);
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, CSV.getBytes(StandardCharsets.UTF_8), "CSV");

        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        JsonPath job = Jobs.awaitEnded(rid);
        assertEquals("complete", job.getString("status"), job.prettify());
        String jobId = job.getString("job_id");

        List<ExtLogRecord> lines = capture.of(rid);
        for (String step : List.of("fetch-resource", "download", "analyze", "load", "update-metadata", "ended complete")) {
            assertTrue(lines.stream().anyMatch(r -> r.getFormattedMessage().endsWith(step)), "a line for " + step);
        }
        for (ExtLogRecord line : lines) {
            if (line.getFormattedMessage().contains(jobId)) {
                assertEquals(jobId, line.getMdc(LogContext.JOB_ID), "job_id in the MDC of: " + line.getFormattedMessage());
                assertEquals(rid, line.getMdc(LogContext.RESOURCE_ID), line.getFormattedMessage());
            }
        }

        // at least: a follow-up of an earlier test may end a job meanwhile
        assertTrue(metric("datapusher_jobs_total", "status=\"complete\"") >= completeBefore + 1);
        assertTrue(metric("datapusher_step_seconds_count", "step=\"load\"") >= loadStepsBefore + 1);
        assertTrue(metric("datapusher_rows_loaded_total", null) >= rowsBefore + 3);
    }

    @Test
    void aLineWrittenOnAWorkerThreadNamesItsJobToo() throws Exception {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, CSV.getBytes(StandardCharsets.UTF_8), "CSV");
        ckan.downloadStatus(rid, 503);

        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        JsonPath job = Jobs.awaitEnded(rid);
        assertEquals("failed", job.getString("status"), job.prettify());

        List<ExtLogRecord> retries = capture.records.stream()
                .filter(r -> r.getFormattedMessage().startsWith("Download attempt")).filter(r -> r.getFormattedMessage().contains(rid))
                .toList();
        assertFalse(retries.isEmpty(), "the downloader logged its retries");
        for (ExtLogRecord retry : retries) {
            assertFalse(retry.getThreadName().startsWith("vert.x-eventloop"), "downloads run off the event loop");
            assertEquals(job.getString("job_id"), retry.getMdc(LogContext.JOB_ID), retry.getFormattedMessage());
        }
    }

    /** One sample of /q/metrics, summed over the series that carry {@code label} (all when null). */
    private static double metric(String name, String label) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(text);
        double sum = 0;
        while (m.find()) {
            if (label == null || (m.group(1) != null && m.group(1).contains(label))) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }
}
