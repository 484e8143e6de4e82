package io.datapusher.worker.repository;

import io.datapusher.worker.CallbackState;
import io.datapusher.worker.IngestJob;
import io.datapusher.worker.JobKind;
import io.datapusher.worker.JobStatus;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

/** Queries on the jobs table. Callers open the session or transaction. */
@ApplicationScoped
public class IngestJobRepository implements PanacheRepositoryBase<IngestJob, UUID> {

    /**
     * The newest job of a resource that has not finished: the one a redelivered message belongs to.
     * Never a preview: a message without a job id asks for a load, and a preview always has its id.
     */
    public Uni<IngestJob> findNewestUnfinished(String resourceId) {
        return find("resourceId = :rid and status in (:open) and kind <> :preview",
                Sort.descending("createdAt"),
                Parameters.with("rid", resourceId)
                        .and("open", List.of(JobStatus.QUEUED, JobStatus.RUNNING))
                        .and("preview", JobKind.PREVIEW))
                .firstResult();
    }

    public Uni<List<IngestJob>> search(String resourceId, JobStatus status, int limit) {
        StringBuilder query = new StringBuilder("1 = 1");
        Parameters params = new Parameters();
        if (resourceId != null) {
            query.append(" and resourceId = :rid");
            params = params.and("rid", resourceId);
        }
        if (status != null) {
            query.append(" and status = :status");
            params = params.and("status", status);
        }
        return find(query.toString(), Sort.descending("createdAt"), params).page(0, limit).list();
    }

    /**
     * Jobs that still owe CKAN something after their data went live, newest first: metadata waiting
     * for its next retry or given up ({@code failed} with its load committed), a callback given up or
     * still owed, default views still due.
     */
    public Uni<List<IngestJob>> owingCkan(int limit) {
        return find("status = :pending or (status = :failed and loadedAt is not null) or callback in (:owed)"
                        + " or (viewsDue = true and finishedAt is not null)",
                Sort.descending("updatedAt"),
                Parameters.with("pending", JobStatus.METADATA_PENDING)
                        .and("failed", JobStatus.FAILED)
                        .and("owed", List.of(CallbackState.FAILED, CallbackState.PENDING)))
                .page(0, limit).list();
    }
}
