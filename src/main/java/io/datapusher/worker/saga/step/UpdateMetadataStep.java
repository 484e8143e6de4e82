package io.datapusher.worker.saga.step;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datapusher.worker.StepId;
import io.datapusher.worker.client.CkanClient;
import io.datapusher.worker.client.CkanRejectedException;
import io.datapusher.worker.saga.IngestContext;
import io.datapusher.worker.saga.IngestStep;
import io.datapusher.worker.saga.StepFailure;
import io.datapusher.worker.service.IngestJobService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code update-metadata}: tells CKAN the data is in the DataStore, with {@code resource_patch},
 * whose Solr-down failure commits nothing (unlike {@code datastore_create}). After the pivot the
 * data is live whatever CKAN says, so a failure here never touches the datastore again.
 */
@ApplicationScoped
public class UpdateMetadataStep implements IngestStep {

    private final CkanClient ckan;
    private final IngestJobService jobs;

    public UpdateMetadataStep(CkanClient ckan, IngestJobService jobs) {
        this.ckan = ckan;
        this.jobs = jobs;
    }

    @Override
    public StepId id() {
        return StepId.UPDATE_METADATA;
    }

    @Override
    public Uni<IngestContext> execute(IngestContext context) {
        return jobs.countMetadataAttempt(context.jobId())
                .chain(() -> patch(context.resourceId(), context.hash()))
                .replaceWith(context.withDetail("resource_patch datastore_active=true, hash " + context.hash()));
    }

    /** The patch alone, for the metadata retry too. */
    public Uni<Void> patch(String resourceId, String hash) {
        ObjectNode patch = JsonNodeFactory.instance.objectNode()
                .put("id", resourceId)
                .put("datastore_active", true)
                .put("datastore_contains_all_records_of_source_file", true)
                .put("hash", hash);
        return ckan.resourcePatch(patch)
                .replaceWithVoid()
                .onFailure(CkanRejectedException.class).transform(e -> StepFailure.failed(
                        "the data is loaded, but CKAN refused resource_patch: " + e.getMessage(), e))
                .onFailure(e -> !(e instanceof StepFailure)).transform(e -> StepFailure.metadataPending(
                        "the data is loaded, but CKAN's metadata could not be updated yet: " + e.getMessage(), e));
    }
}
