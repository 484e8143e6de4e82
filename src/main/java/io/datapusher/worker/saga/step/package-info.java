/**
 * One class per saga step (fetch-resource, download, analyze, load, update-metadata), and the
 * contract between the steps and the saga that runs them: {@code IngestStep}, the
 * {@code IngestContext} they share, and the {@code StepOutcome} or {@code StepFailure} each returns.
 * It sits below {@code saga}, so the saga points down to its steps and nothing points back up.
 */
package io.datapusher.worker.saga.step;
