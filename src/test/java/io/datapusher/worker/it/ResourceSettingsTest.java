package io.datapusher.worker.it;

import io.datapusher.worker.testsupport.EndToEndTest;
import io.datapusher.worker.testsupport.Jobs;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A curator steers one resource's load with its {@code datapusher_*} fields, without touching the
 * worker's configuration; each job says which settings it used and where each came from.
 */
@QuarkusTest
class ResourceSettingsTest extends EndToEndTest {

    /**
     * Read with commas, this file is just as regular (two columns on every line), so only the
     * resource's datapusher_delimiter makes it load as the semicolon file it is. Its dates are
     * ambiguous: only datapusher_date_order makes 03/04/2021 the 3rd of April.
     */
    private static final String SEMICOLON_FILE = "name,first;born\nLovelace,Ada;03/04/2021\nHopper,Grace;05/06/2021\n";

    @TestHTTPResource("/")
    URL worker;

    @Test
    void aSemicolonFileWithDayFirstDatesLoadsAsItsResourceSays() throws Exception {
        String rid = resource(Map.of("datapusher_delimiter", ";", "datapusher_date_order", "dmy",
                "datapusher_null_value", "n/a"), SEMICOLON_FILE.getBytes(StandardCharsets.UTF_8), "CSV");

        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        JsonPath job = Jobs.awaitEnded(rid);

        assertEquals("complete", job.getString("status"), job.prettify());
        assertEquals(List.of("name,first", "born"), columns(rid));
        assertEquals(List.of("2021-04-03", "2021-06-05"), datastore().query("SELECT born::text FROM \"" + rid + "\" ORDER BY _id"));
        assertEquals(Map.of("value", ";", "source", "resource"), job.getMap("settings.datapusher_delimiter"));
        assertEquals(Map.of("value", "dmy", "source", "resource"), job.getMap("settings.datapusher_date_order"));
        assertEquals(Map.of("value", "UTF-8", "source", "detected"), job.getMap("settings.datapusher_encoding"));
        assertEquals(Map.of("value", "1", "source", "detected"), job.getMap("settings.datapusher_header_row"));
        assertEquals(Map.of("value", "", "source", "environment"), job.getMap("settings.datapusher_null_values"));
        List<String> warnings = job.getList("steps.find { it.step == 'fetch-resource' }.warnings");
        assertTrue(warnings.stream().anyMatch(w -> w.startsWith("the resource field datapusher_null_value is not a setting"
                + " the worker knows")), warnings.toString());
    }

    @Test
    void aWorkbookLoadsItsSecondSheetAndCkansDataStoreTabNamesTheSetting() throws Exception {
        String rid = resource(Map.of("datapusher_sheet", "2"), twoSheetWorkbook(), "XLSX");
        ckan.datapusherUrl(worker.toString());

        assertTrue(ckan.datapusherSubmit(rid, false).submitted());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Map<String, Object> task = ckan.task(rid);
            return task != null && "complete".equals(task.get("state"));
        });

        assertEquals(List.of("city", "population"), columns(rid));
        assertEquals(List.of("Lyon", "Porto"), datastore().query("SELECT city FROM \"" + rid + "\" ORDER BY _id"));
        JsonPath job = Jobs.awaitEnded(rid);
        assertEquals(Map.of("value", "2", "source", "resource"), job.getMap("settings.datapusher_sheet"));
        assertFalse(job.getMap("settings").containsKey("datapusher_delimiter"), "a workbook has no delimiter");
        List<String> log = logMessages(ckan.datapusherStatus(rid));
        assertTrue(log.stream().anyMatch(m -> m.startsWith("Settings: ") && m.contains("datapusher_sheet=\"2\" (resource)")
                && m.contains("datapusher_date_order=\"mdy\" (environment)")), log.toString());
    }

    @Test
    void anUnchangedFileIsLoadedAgainOnceItsResourceSettingsChanged() throws Exception {
        byte[] workbook = twoSheetWorkbook();
        String rid = resource(Map.of(), workbook, "XLSX");
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        assertEquals("complete", Jobs.awaitEnded(rid).getString("status"));
        assertEquals(List.of("note"), columns(rid), "the first sheet, with nothing set");
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        await().atMost(Duration.ofSeconds(60)).until(() -> Jobs.of(rid).size() == 2);
        assertEquals("skipped", Jobs.awaitEnded(rid).getString("status"), "the same file with the same settings");

        Map<String, Object> patched = ckan.resource(rid);
        patched.put("datapusher_sheet", "Cities");
        ckan.addResource(patched, workbook);
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        await().atMost(Duration.ofSeconds(60)).until(() -> Jobs.of(rid).size() == 3);
        JsonPath job = Jobs.awaitEnded(rid);

        assertEquals("complete", job.getString("status"), job.prettify());
        assertEquals(List.of("city", "population"), columns(rid));
        assertTrue(job.getString("steps.find { it.step == 'download' }.detail")
                .contains("the file is unchanged but datapusher_sheet is now \"Cities\", was not set"), job.prettify());
    }

    @Test
    void aSkippedResourceIsNeverDownloadedNorLoaded() throws Exception {
        String rid = resource(Map.of("datapusher_skip", "true"), SEMICOLON_FILE.getBytes(StandardCharsets.UTF_8), "CSV");

        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        JsonPath job = Jobs.awaitEnded(rid);

        assertEquals("skipped", job.getString("status"), job.prettify());
        assertEquals("fetch-resource", job.getString("step"));
        assertTrue(job.getString("error").contains("datapusher_skip is true"), job.getString("error"));
        assertEquals(0, ckan.downloads(rid));
        assertTrue(ckan.patches().isEmpty(), "nothing to tell CKAN");
        assertEquals("0", datastore().queryOne("SELECT count(*) FROM pg_tables WHERE tablename = '" + rid + "'"));
    }

    @Test
    void aBadValueFailsTheJobBeforeTheDownloadNamingTheFieldAndWhatItAccepts() throws Exception {
        String rid = resource(Map.of("datapusher_date_order", "ymd"), SEMICOLON_FILE.getBytes(StandardCharsets.UTF_8), "CSV");

        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        JsonPath job = Jobs.awaitEnded(rid);

        assertEquals("failed", job.getString("status"), job.prettify());
        assertEquals("fetch-resource", job.getString("step"));
        assertEquals("the resource field datapusher_date_order is \"ymd\", which the worker cannot use; accepted:"
                + " \"mdy\" or \"dmy\"; nothing was downloaded", job.getString("error"));
        assertEquals(0, ckan.downloads(rid));
    }

    private String resource(Map<String, Object> settings, byte[] file, String format) {
        String rid = UUID.randomUUID().toString();
        Map<String, Object> dict = new HashMap<>(settings);
        dict.put("id", rid);
        dict.put("format", format);
        dict.put("name", "data." + format.toLowerCase());
        ckan.addResource(dict, file);
        return rid;
    }

    private static List<String> columns(String rid) throws Exception {
        return datastore().query("SELECT column_name FROM information_schema.columns WHERE table_schema = 'public'"
                + " AND table_name = '" + rid + "' AND column_name NOT LIKE '\\_%' ORDER BY ordinal_position");
    }

    /** A workbook whose first sheet is not the data: a curator's notes, then the table on sheet 2. */
    private static byte[] twoSheetWorkbook() throws Exception {
        try (XSSFWorkbook workbook = new XSSFWorkbook(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            fill(workbook.createSheet("Read me"), List.of(List.of("note"), List.of("the data is on the next sheet")));
            fill(workbook.createSheet("Cities"), List.of(List.of("city", "population"), List.of("Lyon", "522250"),
                    List.of("Porto", "231800")));
            workbook.write(out);
            return out.toByteArray();
        }
    }

    private static void fill(Sheet sheet, List<List<String>> rows) {
        for (int r = 0; r < rows.size(); r++) {
            Row row = sheet.createRow(r);
            for (int c = 0; c < rows.get(r).size(); c++) {
                row.createCell(c).setCellValue(rows.get(r).get(c));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> logMessages(Map<String, Object> status) {
        List<Map<String, Object>> logs = (List<Map<String, Object>>) ((Map<String, Object>) status.get("task_info")).get("logs");
        return logs.stream().map(l -> l.get("message").toString()).toList();
    }
}
