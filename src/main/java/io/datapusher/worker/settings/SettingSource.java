package io.datapusher.worker.settings;

import java.util.Locale;

/** Where a value a job used came from, as the job's {@code settings} names it. */
public enum SettingSource {
    /** A {@code datapusher_*} field of the CKAN resource. */
    RESOURCE,
    /** The worker's {@code INGEST_*} configuration, or its default. */
    ENVIRONMENT,
    /** What the analysis found in the file. */
    DETECTED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
