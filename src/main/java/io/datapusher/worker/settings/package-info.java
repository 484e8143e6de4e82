/**
 * Settings per resource: the {@code datapusher_*} fields a curator sets on a CKAN resource, resolved
 * against the operator's {@code INGEST_*} defaults, validated before anything is downloaded, and
 * recorded on the job with where each value came from.
 */
package io.datapusher.worker.settings;
