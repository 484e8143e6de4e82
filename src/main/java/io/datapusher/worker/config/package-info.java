/**
 * Typed configuration ({@code @ConfigMapping}): CKAN, the DataStore databases and the ingest
 * settings, each key an environment variable the README lists.
 */
package io.datapusher.worker.config;
