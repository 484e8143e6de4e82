/**
 * How far a running job is: {@link JobProgress} holds the counters the load bumps as it goes
 * (rows, bytes, the phase), and {@link ProgressReporter} turns them, at most every 2 s, into the
 * job's {@code progress} (phase, rows and bytes done and total, ETA) and the upload log's
 * "Loaded N of M rows" lines. Nothing here writes anywhere: the job service persists what the
 * reporter hands it, so that the hot path never waits for the jobs database.
 */
package io.datapusher.worker.progress;
