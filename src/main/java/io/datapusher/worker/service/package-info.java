/**
 * Job state and the machinery around running jobs: the jobs service over the jobs database,
 * claims and heartbeats, graceful shutdown, sweepers for temp files and staging tables, the queue
 * port, metrics and the logging context of a job.
 */
package io.datapusher.worker.service;
