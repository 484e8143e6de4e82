/**
 * Readiness checks beyond the ones Quarkus provides: the DataStore database.
 */
package io.datapusher.worker.health;
