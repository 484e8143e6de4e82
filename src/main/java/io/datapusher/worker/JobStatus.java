package io.datapusher.worker;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** A job's status, spelt in JSON and in the jobs table exactly as design.md §7 lists them. */
public enum JobStatus {
    QUEUED,
    RUNNING,
    COMPLETE,
    SKIPPED,
    METADATA_PENDING,
    FAILED,
    SUPERSEDED;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static JobStatus fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }

    /** A finished job is never run again by a duplicate message. */
    public boolean isFinished() {
        return this == COMPLETE || this == SKIPPED || this == FAILED || this == SUPERSEDED;
    }
}
