/**
 * The DataStore side of a load, over JDBC: a new table built committed in the worker's staging
 * schema, filled by parallel COPY streams and indexed over several connections, then put live by
 * one short swap transaction that carries the Data Dictionary, views, grants and triggers over.
 * The live table is the old one, whole, until that commit. Everything CKAN reads (column
 * comments, the table marker, index names) is written as the target CKAN version writes it.
 */
package io.datapusher.worker.datastore;
