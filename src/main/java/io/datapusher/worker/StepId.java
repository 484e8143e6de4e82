package io.datapusher.worker;

import com.fasterxml.jackson.annotation.JsonValue;

/** The saga's steps, in order; their kebab-case ids appear in job records and logs. */
public enum StepId {
    FETCH_RESOURCE("fetch-resource"),
    DOWNLOAD("download"),
    ANALYZE("analyze"),
    /** A restore's pivot, in place of fetch-resource to load: it swaps a kept version back in. */
    RESTORE("restore"),
    LOAD("load"),
    UPDATE_METADATA("update-metadata"),
    /** A preview's last step, in place of load: what the load would make of the file, written nowhere. */
    PREVIEW("preview");

    private final String id;

    StepId(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    public static StepId fromId(String id) {
        for (StepId step : values()) {
            if (step.id.equals(id)) {
                return step;
            }
        }
        throw new IllegalArgumentException("unknown step " + id);
    }

    @Override
    public String toString() {
        return id;
    }
}
