package io.datapusher.worker.saga.step;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datapusher.worker.analyze.AnalysisException;
import io.datapusher.worker.analyze.AnalysisOptions;
import io.datapusher.worker.analyze.DateOrder;
import io.datapusher.worker.config.IngestConfig;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

@DisplayName("Analysis options come from INGEST_* configuration and the datapusher_skip_rows resource extra")
class AnalysisOptionsFactoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Map<String, Object> DEFAULTS = Map.of("dateOrder", "mdy", "nullValues", Optional.empty(),
            "maxQuarantinePercent", 5.0, "maxColumns", 1600, "maxCellChars", 10485760);

    /** The analysis group of IngestConfig, answering as SmallRye would from the environment. */
    private static IngestConfig.Analysis config(Map<String, Object> values) {
        return (IngestConfig.Analysis) Proxy.newProxyInstance(IngestConfig.class.getClassLoader(),
                new Class<?>[] {IngestConfig.Analysis.class},
                (proxy, method, args) -> {
                    if (!values.containsKey(method.getName())) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return values.get(method.getName());
                });
    }

    private static Map<String, Object> defaultsWith(String key, Object value) {
        Map<String, Object> values = new HashMap<>(DEFAULTS);
        values.put(key, value);
        return values;
    }

    private static JsonNode resource(String json) throws Exception {
        return JSON.readTree(json);
    }

    @Test
    void theDefaultsAreTheIssuesDefaults() throws Exception {
        assertEquals(AnalysisOptions.DEFAULTS, AnalysisOptionsFactory.from(config(DEFAULTS), resource("{\"id\": \"r\"}")));
    }

    @Test
    void configurationReachesTheOptions() throws Exception {
        Map<String, Object> values = defaultsWith("dateOrder", "DMY");
        values.put("nullValues", Optional.of(List.of("NULL", "n/a")));
        values.put("maxQuarantinePercent", 1.5);
        AnalysisOptions options = AnalysisOptionsFactory.from(config(values), resource("{\"datapusher_skip_rows\": \"2\"}"));
        assertEquals(DateOrder.DMY, options.dateOrder());
        assertEquals(Set.of("NULL", "n/a"), options.nullValues());
        assertEquals(1.5, options.maxQuarantinePercent());
        assertEquals(Optional.of(2), options.skipRows());
    }

    @Test
    void skipRowsIsReadFromTheResourceAsANumberOrAString() throws Exception {
        assertEquals(Optional.of(3), AnalysisOptionsFactory.skipRows(resource("{\"datapusher_skip_rows\": \"3\"}")));
        assertEquals(Optional.of(0), AnalysisOptionsFactory.skipRows(resource("{\"datapusher_skip_rows\": 0}")));
        assertEquals(Optional.empty(), AnalysisOptionsFactory.skipRows(resource("{\"datapusher_skip_rows\": \"\"}")));
        assertEquals(Optional.empty(), AnalysisOptionsFactory.skipRows(resource("{\"datapusher_skip_rows\": null}")));
        assertEquals(Optional.empty(), AnalysisOptionsFactory.skipRows(null));
    }

    @Test
    void anInvalidSkipRowsOrDateOrderFailsWithTheReason() throws Exception {
        AnalysisException e = assertThrows(AnalysisException.class,
                () -> AnalysisOptionsFactory.skipRows(resource("{\"datapusher_skip_rows\": \"two\"}")));
        assertEquals("the resource extra datapusher_skip_rows must be a whole number of lines to skip before the header,"
                + " not \"two\"", e.getMessage());
        assertThrows(AnalysisException.class, () -> AnalysisOptionsFactory.skipRows(resource("{\"datapusher_skip_rows\": -1}")));
        assertThrows(AnalysisException.class,
                () -> AnalysisOptionsFactory.from(config(defaultsWith("dateOrder", "ymd")), resource("{}")));
    }
}
