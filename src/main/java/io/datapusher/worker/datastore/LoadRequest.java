package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.Analysis;

import java.time.Instant;

/**
 * Everything the atomic load needs.
 *
 * @param resourceId the CKAN resource id, which is the table name
 * @param jobId      the job doing the load, recorded in the table's marker comment
 * @param hash       md5 of the downloaded file, recorded in the marker comment
 * @param analysis   the analysed file: columns, inferred types, and the rows to COPY
 * @param ckan       the CKAN release whose DataStore this is: its Data Dictionary format and defaults
 * @param jobCreatedAt when the job was created: a load older than the live table's is superseded
 *                     (null skips that check)
 * @param stillInCkan asked just before the swap: a resource deleted in CKAN meanwhile is not loaded
 * @param deadline   when the job's time is up: a load that has not swapped by then is cancelled, one
 *                   that has goes on to the end (null: no deadline)
 * @param driftPolicy what schema drift may do to this load (report when null); an accepted drift is {@code report}
 */
public record LoadRequest(String resourceId, String jobId, String hash, Analysis analysis, CkanVersion ckan,
                          Instant jobCreatedAt, ResourceCheck stillInCkan, Instant deadline, DriftPolicy driftPolicy) {

    public LoadRequest {
        stillInCkan = stillInCkan == null ? ResourceCheck.NONE : stillInCkan;
        driftPolicy = driftPolicy == null ? DriftPolicy.REPORT : driftPolicy;
    }

    public LoadRequest(String resourceId, String jobId, String hash, Analysis analysis, CkanVersion ckan,
                       Instant jobCreatedAt, ResourceCheck stillInCkan, Instant deadline) {
        this(resourceId, jobId, hash, analysis, ckan, jobCreatedAt, stillInCkan, deadline, DriftPolicy.REPORT);
    }

    public LoadRequest(String resourceId, String jobId, String hash, Analysis analysis, CkanVersion ckan,
                       Instant jobCreatedAt, ResourceCheck stillInCkan) {
        this(resourceId, jobId, hash, analysis, ckan, jobCreatedAt, stillInCkan, null);
    }

    public LoadRequest(String resourceId, String jobId, String hash, Analysis analysis, CkanVersion ckan,
                       Instant jobCreatedAt) {
        this(resourceId, jobId, hash, analysis, ckan, jobCreatedAt, ResourceCheck.NONE, null);
    }

    public LoadRequest(String resourceId, String jobId, String hash, Analysis analysis, CkanVersion ckan) {
        this(resourceId, jobId, hash, analysis, ckan, null, ResourceCheck.NONE, null);
    }
}
