package io.datapusher.worker;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * Where the DataPusher callback ({@code datapusher_hook}) of a job submitted through
 * {@code POST /job} stands. Jobs that came another way have none.
 */
public enum CallbackState {
    /** Owed to CKAN: sent as soon as the job's outcome is final. */
    PENDING,
    /** CKAN answered 200. */
    SENT,
    /** Not sent, because a newer job of the same resource was submitted through POST /job and reports instead. */
    SKIPPED,
    /** CKAN refused it, or every retry failed; a retry by hand can still send it. */
    FAILED;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The id, so that log lines and error messages spell it as the API does. */
    @Override
    public String toString() {
        return id();
    }

    public static CallbackState fromId(String id) {
        return id == null ? null : valueOf(id.toUpperCase(Locale.ROOT));
    }
}
