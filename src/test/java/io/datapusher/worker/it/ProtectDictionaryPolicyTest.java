package io.datapusher.worker.it;

import io.datapusher.worker.datastore.Sql;
import io.datapusher.worker.testsupport.EndToEndTest;
import io.datapusher.worker.testsupport.Jobs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * INGEST_DRIFT_POLICY=protect-dictionary: a reload that would lose a curator's Data Dictionary entry
 * fails with the live table untouched and says how to accept it; accept_drift lets that one load through.
 */
@QuarkusTest
@TestProfile(ProtectDictionaryPolicyTest.ProtectDictionary.class)
class ProtectDictionaryPolicyTest extends EndToEndTest {

    public static class ProtectDictionary implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ingest.drift-policy", "protect-dictionary");
        }
    }

    @BeforeEach
    void reportCkan211() {
        ckan.version("2.11.5");
    }

    @Test
    void aReloadThatLosesACuratorsNotesFailsUntouchedAndAcceptDriftLetsItThrough() throws Exception {
        String rid = UUID.randomUUID().toString();
        ckan.addResource(rid, DriftAndPreviewTest.CENSUS.getBytes(StandardCharsets.UTF_8), "CSV");
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        assertEquals("complete", Jobs.awaitEnded(rid).getString("status"));
        datastore().writerExecute("COMMENT ON COLUMN \"" + rid + "\".\"pop_2023\" IS " + Sql.quoteLiteral(DriftAndPreviewTest.NOTES));
        String before = DriftAndPreviewTest.checksum(rid);
        Object hashBefore = ckan.resource(rid).get("hash");

        ckan.replaceFile(rid, DriftAndPreviewTest.RESHAPED.getBytes(StandardCharsets.UTF_8));
        broker.publishToQueue("{\"resource_id\": \"" + rid + "\"}");
        JsonPath refused = DriftAndPreviewTest.awaitNewest(rid, 2);

        assertEquals("failed", refused.getString("status"), refused.prettify());
        assertEquals("load", refused.getString("step"));
        String error = refused.getString("error");
        assertTrue(error.contains("protect-dictionary") && error.contains("\"pop_2023\" (label, notes)"), error);
        assertTrue(error.contains("\"accept_drift\": true"), error);
        assertEquals(List.of("pop_2023", "area"), refused.getList("drift.removed"), "the refused drift is on the job");
        assertEquals(before, DriftAndPreviewTest.checksum(rid), "the live table and its dictionary are untouched");
        assertEquals(1, ckan.patches().size(), "only the first load patched CKAN");
        assertEquals(hashBefore, ckan.resource(rid).get("hash"));
        assertTrue(given().get("/q/metrics").asString().contains("datapusher_drift_loads_total{outcome=\"refused\"}"));

        given().contentType(ContentType.JSON).body("{\"resource_id\": \"" + rid + "\", \"accept_drift\": true}")
                .post("/api/jobs").then().statusCode(202);
        JsonPath accepted = DriftAndPreviewTest.awaitNewest(rid, 3);

        assertEquals("complete", accepted.getString("status"), accepted.prettify());
        assertEquals(List.of("pop_2024"), accepted.getList("drift.added"));
        assertEquals("3", datastore().queryOne("SELECT count(*) FROM \"" + rid + "\""));
    }
}
