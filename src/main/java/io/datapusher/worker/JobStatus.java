package io.datapusher.worker;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** A job's status, spelt in JSON and in the jobs table exactly as docs/api.md lists them. */
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

    /** The id, so that log lines and error messages spell it as the API does. */
    @Override
    public String toString() {
        return id();
    }

    public static JobStatus fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }

    /** A finished job is never run again by a duplicate message. */
    public boolean isFinished() {
        return this == COMPLETE || this == SKIPPED || this == FAILED || this == SUPERSEDED;
    }
}
