/**
 * The ingest saga: the named steps in their order ({@code IngestSaga}), the context they share, and
 * how each outcome ends a job. {@code FollowUp} owns everything after the pivot: the metadata
 * update, default views and the DataPusher callback, with their durable retry and parking.
 */
package io.datapusher.worker.saga;
