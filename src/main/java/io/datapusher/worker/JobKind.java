package io.datapusher.worker;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * What a job does. A load brings a file into the live table; a restore swaps a kept version back in;
 * a preview stops after the analysis and writes nothing to the DataStore or to CKAN.
 */
public enum JobKind {
    LOAD,
    RESTORE,
    PREVIEW;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return id();
    }

    public static JobKind fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
