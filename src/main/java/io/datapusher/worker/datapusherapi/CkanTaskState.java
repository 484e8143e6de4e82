package io.datapusher.worker.datapusherapi;

import io.datapusher.worker.JobStatus;

/**
 * What a job's status means to CKAN's DataPusher task ({@code pending}, {@code complete},
 * {@code error}, the states DataPusher itself reports).
 *
 * <ul>
 *   <li>{@code complete}, {@code skipped} (unchanged file, or a table edited through the DataStore
 *       API) and {@code superseded} (a newer load already put newer data live) mean the resource's
 *       DataStore table is as it should be: {@code complete}.</li>
 *   <li>{@code failed}: {@code error}.</li>
 *   <li>{@code queued}, {@code running} and {@code metadata_pending} (the data is live, CKAN's
 *       metadata is still being retried) are not final: {@code pending}, and no callback yet.</li>
 * </ul>
 */
public enum CkanTaskState {
    PENDING("pending"),
    COMPLETE("complete"),
    ERROR("error");

    private final String id;

    CkanTaskState(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public boolean isFinal() {
        return this != PENDING;
    }

    public static CkanTaskState of(JobStatus status) {
        return switch (status) {
            case COMPLETE, SKIPPED, SUPERSEDED -> COMPLETE;
            case FAILED -> ERROR;
            case QUEUED, RUNNING, METADATA_PENDING -> PENDING;
        };
    }
}
