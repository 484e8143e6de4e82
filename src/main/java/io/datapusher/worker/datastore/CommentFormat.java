package io.datapusher.worker.datastore;

/**
 * How CKAN stores a column's Data Dictionary in its comment: 2.10 writes plain JSON,
 * 2.11 a leading space and the info under {@code _info}. {@link CkanVersion#commentFormat()} picks one.
 */
public enum CommentFormat {
    CKAN_2_10,
    CKAN_2_11
}
