package io.datapusher.worker.console;

import io.datapusher.worker.IngestJob;
import io.datapusher.worker.JobStatus;
import io.datapusher.worker.followup.FollowUp;

import java.util.ArrayList;
import java.util.List;

/**
 * A job that still owes CKAN something after its data went live, and what: its metadata, its
 * DataPusher callback, its default views, each retrying on its own or given up.
 */
public record FollowUpRow(JobRow job, List<String> owes, boolean retriable) {

    static FollowUpRow of(IngestJob job) {
        List<String> owes = new ArrayList<>();
        if (FollowUp.metadataOwed(job)) {
            owes.add(job.status == JobStatus.METADATA_PENDING ? "metadata update (retrying)" : "metadata update (given up)");
        }
        if (FollowUp.callbackOwed(job)) {
            owes.add(job.callback == io.datapusher.worker.CallbackState.FAILED ? "callback to CKAN (given up)"
                    : "callback to CKAN (due)");
        }
        if (job.viewsDue) {
            owes.add("default views");
        }
        return new FollowUpRow(JobRow.of(job), owes, FollowUp.retriableByHand(job));
    }
}
