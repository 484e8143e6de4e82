package io.datapusher.worker.config;

import io.datapusher.worker.datastore.DatastoreConnections;
import io.datapusher.worker.datastore.DriftPolicy;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("The grouped IngestConfig reads the same INGEST_* variables an operator has always set")
class IngestConfigTest {

    private static IngestConfig fromEnvironment(Map<String, String> env) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new EnvConfigSource(env, 300))
                .withConverter(Duration.class, 200, new DurationConverter()) // Quarkus' "60s", "25m"
                .withMapping(IngestConfig.class)
                .build();
        return config.getConfigMapping(IngestConfig.class);
    }

    @Test
    void eachGroupReadsItsVariables() {
        IngestConfig config = fromEnvironment(Map.ofEntries(
                Map.entry("INGEST_JOB_TIMEOUT", "40m"),
                Map.entry("INGEST_DOWNLOAD_MAX_BYTES", "1000"),
                Map.entry("INGEST_DOWNLOAD_IDLE_TIMEOUT", "7s"),
                Map.entry("INGEST_DOWNLOAD_ALLOW_PRIVATE_NETWORKS", "true"),
                Map.entry("INGEST_TEMP_DIR", "/scratch"),
                Map.entry("INGEST_TEMP_SWEEP_INTERVAL", "1m"),
                Map.entry("INGEST_EXCEL_SHEET", "Data"),
                Map.entry("INGEST_DATE_ORDER", "dmy"),
                Map.entry("INGEST_NULL_VALUES", "NULL,n/a"),
                Map.entry("INGEST_MAX_CELL_CHARS", "99"),
                Map.entry("INGEST_FTS_INDEX_METHOD", "gin"),
                Map.entry("INGEST_FTS_FIELD_TYPES", "none"),
                Map.entry("INGEST_LOAD_PARALLELISM", "4"),
                Map.entry("INGEST_SWAP_LOCK_TIMEOUT", "250ms"),
                Map.entry("INGEST_SWAP_BUDGET", "90s"),
                Map.entry("INGEST_REDELIVERY_INITIAL_DELAY", "1s"),
                Map.entry("INGEST_METADATA_RETRY_MAX_DELAY", "10m"),
                Map.entry("INGEST_METADATA_RETRY_MAX_ATTEMPTS", "7"),
                Map.entry("INGEST_DATASTORE_URL_TYPES", "datastore")));

        assertEquals(Duration.ofMinutes(40), config.jobTimeout());
        assertEquals(1000, config.download().maxBytes());
        assertEquals(Duration.ofSeconds(7), config.download().idleTimeout());
        assertEquals(true, config.download().allowPrivateNetworks());
        assertEquals(Optional.of("/scratch"), config.temp().dir());
        assertEquals(Duration.ofMinutes(1), config.temp().sweepInterval());
        assertEquals(Optional.of("Data"), config.analysis().excelSheet());
        assertEquals("dmy", config.analysis().dateOrder());
        assertEquals(Optional.of(List.of("NULL", "n/a")), config.analysis().nullValues());
        assertEquals(99, config.analysis().maxCellChars());
        assertEquals("gin", config.fts().indexMethod());
        assertEquals(Optional.of(List.of()), config.fts().fieldTypeList());
        assertEquals(4, config.load().parallelism());
        assertEquals(Duration.ofMillis(250), config.swap().lockTimeout());
        assertEquals(Duration.ofSeconds(90), config.swap().budget());
        assertEquals(Duration.ofSeconds(1), config.redelivery().backoff().first());
        assertEquals(Duration.ofMinutes(10), config.metadataRetry().backoff().max());
        assertEquals(7, config.metadataRetry().maxAttempts());
        assertEquals(List.of("datastore"), config.datastoreUrlTypes());
    }

    @Test
    void theHistoryRetentionReadsItsThreeVariablesAndDefaultsToOneVersionForAWeek() {
        io.datapusher.worker.datastore.HistoryPolicy defaults = fromEnvironment(Map.of()).history().policy();
        assertEquals(new io.datapusher.worker.datastore.HistoryPolicy(1, Duration.ofDays(7), OptionalLong.empty()), defaults);

        io.datapusher.worker.datastore.HistoryPolicy set = fromEnvironment(Map.of("INGEST_HISTORY_VERSIONS", "3", "INGEST_HISTORY_MAX_AGE", "36h",
                "INGEST_HISTORY_MAX_BYTES", "1073741824")).history().policy();
        assertEquals(new io.datapusher.worker.datastore.HistoryPolicy(3, Duration.ofHours(36), OptionalLong.of(1L << 30)), set);

        assertEquals(false, fromEnvironment(Map.of("INGEST_HISTORY_VERSIONS", "0")).history().policy().enabled());
        assertThrows(IllegalArgumentException.class,
                () -> fromEnvironment(Map.of("INGEST_HISTORY_VERSIONS", "-1")).history().policy());
    }

    @Test
    void unsetVariablesTakeTheDocumentedDefaults() {
        IngestConfig config = fromEnvironment(Map.of());

        assertEquals(Duration.ofMinutes(25), config.jobTimeout());
        assertEquals(10L * 1024 * 1024 * 1024, config.download().maxBytes());
        assertEquals(Optional.empty(), config.temp().dir());
        assertEquals("mdy", config.analysis().dateOrder());
        assertEquals("gist", config.fts().indexMethod());
        assertEquals(Optional.empty(), config.fts().fieldTypeList());
        assertEquals(2, config.load().parallelism());
        assertEquals(Duration.ofMillis(100), config.swap().lockTimeout());
        assertEquals(Duration.ofSeconds(5), config.redelivery().initialDelay());
        assertEquals(Duration.ofMinutes(5), config.redelivery().maxDelay());
        assertEquals(Duration.ofSeconds(30), config.metadataRetry().initialDelay());
        assertEquals(50, config.metadataRetry().maxAttempts());
        assertEquals(List.of("datastore", "tabledesigner"), config.datastoreUrlTypes());
    }

    @Test
    void theDriftPolicyIsReportUnlessSetAndTakesTheContractsSpelling() {
        assertEquals(DriftPolicy.REPORT, fromEnvironment(Map.of()).driftPolicy());
        assertEquals(DriftPolicy.PROTECT_DICTIONARY,
                fromEnvironment(Map.of("INGEST_DRIFT_POLICY", "protect-dictionary")).driftPolicy());
        assertEquals(DriftPolicy.STRICT, fromEnvironment(Map.of("INGEST_DRIFT_POLICY", "strict")).driftPolicy());
        assertThrows(RuntimeException.class, () -> fromEnvironment(Map.of("INGEST_DRIFT_POLICY", "lenient")).driftPolicy(),
                "an unknown policy stops the worker at startup");
    }

    @Test
    void loadParallelismIsBoundedAndAnythingElseStopsTheWorkerAtStartup() {
        for (String fine : new String[] {"1", "16"}) {
            assertEquals(Integer.parseInt(fine),
                    fromEnvironment(Map.of("INGEST_LOAD_PARALLELISM", fine)).load().checkedParallelism());
        }
        for (String bad : new String[] {"0", "-1", "17", "500"}) {
            IngestConfig config = fromEnvironment(Map.of("INGEST_LOAD_PARALLELISM", bad));
            DatastoreConnections connections = DatastoreConnections.fromCkanUrl("postgresql://u:p@localhost/datastore");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new DatastoreProducer().datastoreLoader(connections, config));
            assertTrue(e.getMessage().contains("INGEST_LOAD_PARALLELISM must be between 1 and 16, not " + bad), e.getMessage());
        }
    }

    @Test
    void theDatastoreLoaderIsBuiltAtStartupSoABadSettingFailsThere() throws Exception {
        assertTrue(DatastoreProducer.class.getDeclaredMethod("datastoreLoader", DatastoreConnections.class, IngestConfig.class)
                .isAnnotationPresent(io.quarkus.runtime.Startup.class));
    }
}
