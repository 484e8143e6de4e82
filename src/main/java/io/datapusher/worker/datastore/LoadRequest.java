package io.datapusher.worker.datastore;

import io.datapusher.worker.analyze.Analysis;

/**
 * Everything the atomic load needs.
 *
 * @param resourceId the CKAN resource id, which is the table name
 * @param jobId      the job doing the load, recorded in the table's marker comment
 * @param hash       md5 of the downloaded file, recorded in the marker comment
 * @param analysis   the analysed file: columns, inferred types, and the rows to COPY
 * @param format     the Data Dictionary format of the target CKAN
 */
public record LoadRequest(String resourceId, String jobId, String hash, Analysis analysis, CommentFormat format) {
}
