package io.datapusher.worker.service;

import io.smallrye.mutiny.Uni;

/**
 * Where a job waits to be run: the broker's resubmit queue, which the messaging layer implements.
 * Whoever creates a job (the REST API, CKAN's datapusher plugin through POST /job) only queues it;
 * the saga always runs from the queue.
 */
public interface JobQueue {

    /** Completes once the broker has the request. */
    Uni<Void> submit(ResubmitRequest request);
}
