package io.datapusher.worker.testsupport;

import io.datapusher.worker.config.IngestConfig;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The analysis group of IngestConfig, answering as SmallRye would from INGEST_* variables. */
public final class AnalysisConfigs {

    /** What an unset environment gives. */
    public static final Map<String, Object> DEFAULTS = Map.of("excelSheet", Optional.empty(), "dateOrder", "mdy",
            "nullValues", Optional.empty(), "maxQuarantinePercent", 5.0, "maxColumns", 1600, "maxCellChars", 10485760);

    private AnalysisConfigs() {
    }

    public static IngestConfig.Analysis defaults() {
        return of(DEFAULTS);
    }

    /** The defaults with one key changed, e.g. {@code with("dateOrder", "dmy")}. */
    public static IngestConfig.Analysis with(String key, Object value) {
        Map<String, Object> values = new HashMap<>(DEFAULTS);
        values.put(key, value);
        return of(values);
    }

    public static IngestConfig.Analysis of(Map<String, Object> values) {
        return (IngestConfig.Analysis) Proxy.newProxyInstance(IngestConfig.class.getClassLoader(),
                new Class<?>[] {IngestConfig.Analysis.class},
                (proxy, method, args) -> {
                    if (!values.containsKey(method.getName())) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return values.get(method.getName());
                });
    }
}
