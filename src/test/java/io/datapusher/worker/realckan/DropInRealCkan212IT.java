package io.datapusher.worker.realckan;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worker as the DataPusher of a real CKAN 2.12.0b0 (the head of dev-v2.12; there is no 2.12
 * tag yet): the whole drop-in suite, and what 2.12 changed in the DataStore: the row count cached in
 * {@code _table_stats}, no per-column full-text indexes by default, a stricter check of column ids.
 */
class DropInRealCkan212IT extends DropInRealCkanSuite {

    DropInRealCkan212IT() {
        super(RealCkanVersion.CKAN_2_12);
    }

    /** datastore_search_sql is off unless ckan.ini turns it on, as on every portal that offers it. */
    @Override
    RealCkan configure(RealCkan started) throws Exception {
        return started.reconfigured(log, "ckan.datastore.sqlsearch.enabled=true");
    }

    @Test
    void v212_datastoreSearchCountsTheNewRowsStraightAfterAReload() throws Exception {
        String dataset = ckan.dataset();
        String rid = ckan.upload(dataset, "temperatures.csv", "CSV", CSV.getBytes(StandardCharsets.UTF_8)).path("id").asText();
        awaitTask(rid, "complete");
        assertEquals(3, ckan.action("datastore_search", Map.of("resource_id", rid)).path("total").asInt());
        String oidBefore = oid(rid);

        ckan.replaceFile(rid, "temperatures.csv", NEW_CSV.getBytes(StandardCharsets.UTF_8));
        await().atMost(LOAD).until(() -> !oid(rid).equals(oidBefore) && "complete".equals(state(rid)));

        assertEquals(4, ckan.action("datastore_search", Map.of("resource_id", rid)).path("total").asInt(),
                "the total 2.12 caches in _table_stats is the new table's");
    }

    @Test
    void v212_noColumnGetsAFullTextIndexOfItsOwn() throws Exception {
        String rid = ckan.upload(ckan.dataset(), "temperatures.csv", "CSV", CSV.getBytes(StandardCharsets.UTF_8)).path("id").asText();
        awaitTask(rid, "complete");

        List<String> perColumn = indexShapes(rid).stream().filter(index -> index.contains("to_tsvector")).toList();
        assertEquals(List.of(), perColumn, "2.12's default ckan.datastore.default_fts_index_field_types is empty");
        assertTrue(indexShapes(rid).stream().anyMatch(index -> index.contains("_full_text")), indexShapes(rid).toString());
    }

    @Test
    void v212_aHeaderWithAZeroWidthSpaceLoadsUnderAnIdThatDatastoreCreateAccepts() throws Exception {
        String dataset = ckan.dataset();
        String header = "sta\u200Btion";
        JsonNode refused = ckan.envelope(ckan.token(), "datastore_create", Map.of(
                "resource", Map.of("package_id", dataset, "name", "as written"), "fields", List.of(Map.of("id", header, "type", "text"))));
        assertFalse(refused.path("success").asBoolean(), "2.12 refuses the header as it is: " + refused);
        String rid = ckan.upload(dataset, "stations.csv", "CSV",
                (header + ",temperature\nA1,12.5\n").getBytes(StandardCharsets.UTF_8)).path("id").asText();
        awaitTask(rid, "complete");

        List<Map<String, String>> fields = new ArrayList<>();
        for (JsonNode field : ckan.action("datastore_info", Map.of("id", rid)).path("fields")) {
            fields.add(Map.of("id", field.path("id").asText(), "type", field.path("type").asText()));
        }
        assertFalse(fields.get(0).get("id").contains("\u200B"), fields.toString());
        JsonNode accepted = ckan.envelope(ckan.token(), "datastore_create", Map.of(
                "resource", Map.of("package_id", dataset, "name", "as loaded"), "fields", fields));
        assertTrue(accepted.path("success").asBoolean(), "2.12's datastore_create takes the worker's ids: " + accepted);
    }

    @Test
    void v212_aTableTheWorkerLoadedTakesUpsertDeleteAndSqlSearchAsADatastoreCreateTable() throws Exception {
        String rid = ckan.upload(ckan.dataset(), "temperatures.csv", "CSV", CSV.getBytes(StandardCharsets.UTF_8)).path("id").asText();
        awaitTask(rid, "complete");

        ckan.action("datastore_upsert", Map.of("resource_id", rid, "method", "insert", "force", true,
                "records", List.of(Map.of("station", "E5", "temperature", 3.5, "measured", "2024-01-05"))));
        assertEquals(4, ckan.action("datastore_search", Map.of("resource_id", rid)).path("total").asInt());
        ckan.action("datastore_delete", Map.of("resource_id", rid, "force", true, "filters", Map.of("station", "A1")));
        assertEquals(3, ckan.action("datastore_search", Map.of("resource_id", rid)).path("total").asInt());
        JsonNode rows = ckan.action("datastore_search_sql", Map.of("sql",
                "SELECT station, temperature FROM \"" + rid + "\" WHERE temperature > 5 ORDER BY station")).path("records");

        List<String> read = new ArrayList<>();
        rows.forEach(row -> read.add(row.path("station").asText() + " " + row.path("temperature").asDouble()));
        assertEquals(List.of("B2 9.25", "C3 river mouth 15.0"), read, rows.toString());
        assertEquals("3", count(rid));
    }
}
