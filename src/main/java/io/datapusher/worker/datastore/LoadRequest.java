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
 * @param format     the Data Dictionary format of the target CKAN
 * @param jobCreatedAt when the job was created: a load older than the live table's is superseded
 *                     (null skips that check)
 */
public record LoadRequest(String resourceId, String jobId, String hash, Analysis analysis, CommentFormat format,
                          Instant jobCreatedAt) {

    public LoadRequest(String resourceId, String jobId, String hash, Analysis analysis, CommentFormat format) {
        this(resourceId, jobId, hash, analysis, format, null);
    }
}
