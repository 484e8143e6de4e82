package io.datapusher.worker.service;

import io.datapusher.worker.IngestJob;

/**
 * What a delivered resubmit message means for its job.
 *
 * <ul>
 *   <li>{@code RUN}: this replica now owns the job and runs the saga (resuming past the pivot if
 *       the job's load already committed);</li>
 *   <li>{@code FOLLOW_UP}: the job has an outcome but still owes CKAN something (its metadata,
 *       default views or DataPusher callback), and the previous delivery may have died before
 *       that was done or scheduled: the follow-up runs again;</li>
 *   <li>{@code WAIT_FOR_OWNER}: a replica whose heartbeat is still fresh is running the job. It may
 *       be alive (a duplicate message), or it may have died a moment ago (the broker redelivered
 *       its message at once): the message comes back later, until the job has ended or the owner's
 *       heartbeat has gone stale and the job can be taken over;</li>
 *   <li>{@code NOTHING_TO_DO}: the job has ended and owes CKAN nothing.</li>
 * </ul>
 */
public record Claim(Kind kind, IngestJob job) {

    public enum Kind { RUN, FOLLOW_UP, WAIT_FOR_OWNER, NOTHING_TO_DO }

    static Claim run(IngestJob job) {
        return new Claim(Kind.RUN, job);
    }

    static Claim followUp(IngestJob job) {
        return new Claim(Kind.FOLLOW_UP, job);
    }

    static Claim waitForOwner(IngestJob job) {
        return new Claim(Kind.WAIT_FOR_OWNER, job);
    }

    static Claim nothingToDo(IngestJob job) {
        return new Claim(Kind.NOTHING_TO_DO, job);
    }
}
