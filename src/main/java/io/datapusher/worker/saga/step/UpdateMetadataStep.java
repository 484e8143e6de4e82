package io.datapusher.worker.saga.step;

import io.datapusher.worker.StepId;
import io.datapusher.worker.client.CkanRejectedException;
import io.datapusher.worker.followup.FollowUp;
import io.datapusher.worker.service.IngestJobService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code update-metadata}: tells CKAN the data is in the DataStore, with {@code resource_patch},
 * whose Solr-down failure commits nothing (unlike {@code datastore_create}). After the pivot the
 * data is live whatever CKAN says, so a failure here never touches the datastore again: the
 * {@link FollowUp} retries it.
 */
@ApplicationScoped
public class UpdateMetadataStep implements IngestStep {

    private final FollowUp followUp;
    private final IngestJobService jobs;

    public UpdateMetadataStep(FollowUp followUp, IngestJobService jobs) {
        this.followUp = followUp;
        this.jobs = jobs;
    }

    @Override
    public StepId id() {
        return StepId.UPDATE_METADATA;
    }

    @Override
    public Uni<StepOutcome> execute(IngestContext context) {
        return jobs.countMetadataAttempt(context.jobId())
                .chain(() -> followUp.patchMetadata(context.resourceId(), context.hash()))
                .onFailure(CkanRejectedException.class).transform(e -> StepFailure.failed(FollowUp.refused(e), e))
                .onFailure(e -> !(e instanceof StepFailure)).transform(e -> StepFailure.metadataPending(FollowUp.notYet(e), e))
                .replaceWith(StepOutcome.done("resource_patch datastore_active=true, hash " + context.hash()));
    }
}
