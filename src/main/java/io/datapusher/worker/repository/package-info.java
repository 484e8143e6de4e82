/**
 * Queries on the jobs table, and how the job's enums are spelt in it.
 */
package io.datapusher.worker.repository;
