/**
 * The ingest saga: the named steps in their order ({@code IngestSaga}) and how each outcome ends a
 * job. The steps and the contract they share with the saga live below it, in {@code saga.step}.
 */
package io.datapusher.worker.saga;
