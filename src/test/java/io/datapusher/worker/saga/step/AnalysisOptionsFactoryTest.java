package io.datapusher.worker.saga.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datapusher.worker.analyze.AnalysisException;
import io.datapusher.worker.analyze.AnalysisOptions;
import io.datapusher.worker.analyze.DateOrder;
import io.datapusher.worker.testsupport.AnalysisConfigs;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@DisplayName("Analysis options come from INGEST_* configuration and the resource's datapusher_* settings")
class AnalysisOptionsFactoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode resource(String json) throws Exception {
        return JSON.readTree(json);
    }

    @Test
    void theDefaultsAreTheIssuesDefaults() throws Exception {
        assertEquals(AnalysisOptions.DEFAULTS, AnalysisOptionsFactory.from(AnalysisConfigs.defaults(), resource("{\"id\": \"r\"}")));
    }

    @Test
    void configurationReachesTheOptions() throws Exception {
        Map<String, Object> values = new HashMap<>(AnalysisConfigs.DEFAULTS);
        values.put("dateOrder", "DMY");
        values.put("nullValues", Optional.of(List.of("NULL", "n/a")));
        values.put("maxQuarantinePercent", 1.5);
        AnalysisOptions options = AnalysisOptionsFactory.from(AnalysisConfigs.of(values), resource("{\"datapusher_skip_rows\": \"2\"}"));
        assertEquals(DateOrder.DMY, options.dateOrder());
        assertEquals(Set.of("NULL", "n/a"), options.nullValues());
        assertEquals(1.5, options.maxQuarantinePercent());
        assertEquals(Optional.of(2), options.skipRows());
    }

    @Test
    void theResourceWinsOverTheConfiguration() throws Exception {
        AnalysisOptions options = AnalysisOptionsFactory.from(AnalysisConfigs.with("nullValues", Optional.of(List.of("NULL"))),
                resource("{\"datapusher_date_order\": \"dmy\", \"datapusher_null_values\": \"n/a,-\", \"datapusher_header_row\": 3}"));
        assertEquals(DateOrder.DMY, options.dateOrder());
        assertEquals(Set.of("n/a", "-"), options.nullValues());
        assertEquals(Optional.of(2), options.skipRows(), "the header on line 3 means two lines skipped");
    }

    @Test
    void skipRowsIsReadFromTheResourceAsANumberOrAString() throws Exception {
        assertEquals(Optional.of(3), skipRows("{\"datapusher_skip_rows\": \"3\"}"));
        assertEquals(Optional.of(0), skipRows("{\"datapusher_skip_rows\": 0}"));
        assertEquals(Optional.empty(), skipRows("{\"datapusher_skip_rows\": \"\"}"));
        assertEquals(Optional.empty(), skipRows("{\"datapusher_skip_rows\": null}"));
        assertEquals(Optional.empty(), AnalysisOptionsFactory.from(AnalysisConfigs.defaults(), (JsonNode) null).skipRows());
    }

    @Test
    void anInvalidSkipRowsOrDateOrderFailsWithTheReason() {
        AnalysisException e = assertThrows(AnalysisException.class, () -> skipRows("{\"datapusher_skip_rows\": \"two\"}"));
        assertEquals("the resource field datapusher_skip_rows is \"two\", which the worker cannot use; accepted: "
                + "a whole number from 0, the lines (or sheet rows) to skip before the header", e.getMessage());
        assertThrows(AnalysisException.class, () -> skipRows("{\"datapusher_skip_rows\": -1}"));
        assertThrows(AnalysisException.class,
                () -> AnalysisOptionsFactory.from(AnalysisConfigs.with("dateOrder", "ymd"), resource("{}")));
    }

    private static Optional<Integer> skipRows(String resource) throws Exception {
        return AnalysisOptionsFactory.from(AnalysisConfigs.defaults(), resource(resource)).skipRows();
    }
}
