package io.datapusher.worker.formats;

import io.datapusher.worker.config.IngestConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

/** Sets POI's JVM-wide zip-bomb limits from {@code INGEST_DOWNLOAD_MAX_BYTES} once, before any job runs. */
@Startup
@ApplicationScoped
public class SpreadsheetSafetyAtStartup {

    public SpreadsheetSafetyAtStartup(IngestConfig config) {
        SpreadsheetSafety.configure(config.download().maxBytes());
    }
}
