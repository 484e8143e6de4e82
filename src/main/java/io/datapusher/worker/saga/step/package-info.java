/**
 * One class per saga step: fetch-resource, download, analyze, load, update-metadata.
 */
package io.datapusher.worker.saga.step;
