package io.datapusher.worker.rest;

import io.datapusher.worker.IngestJob;
import io.datapusher.worker.JobKind;
import io.datapusher.worker.JobStatus;
import io.datapusher.worker.followup.FollowUp;
import io.datapusher.worker.service.IngestJobService;
import io.datapusher.worker.service.ResourceActions;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The jobs API of docs/api.md. A POST only records the job and publishes a resubmit: the saga
 * never runs inside a request.
 */
@Path("/api/jobs")
@Produces(MediaType.APPLICATION_JSON)
public class JobsResource {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;

    private final IngestJobService jobs;
    private final ResourceActions actions;
    private final FollowUp followUp;

    public JobsResource(IngestJobService jobs, ResourceActions actions, FollowUp followUp) {
        this.jobs = jobs;
        this.actions = actions;
        this.followUp = followUp;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Response> submit(JobRequest request) {
        if (request == null || request.resourceId() == null || request.resourceId().isBlank()) {
            return Uni.createFrom().item(problem(Response.Status.BAD_REQUEST, "resource_id is required"));
        }
        boolean ignoreHash = Boolean.TRUE.equals(request.ignoreHash());
        JobKind kind = Boolean.TRUE.equals(request.dryRun()) ? JobKind.PREVIEW : JobKind.LOAD;
        return queued(actions.submit(request.resourceId().trim(), ignoreHash, kind, Boolean.TRUE.equals(request.acceptDrift()),
                Boolean.TRUE.equals(request.full())));
    }

    /** 202 with the queued job's id, or 503 when the broker did not take it. */
    static Uni<Response> queued(Uni<IngestJob> queuing) {
        return queuing
                .map(job -> Response.accepted(Map.of("job_id", job.jobId.toString(), "status", JobStatus.QUEUED.id(),
                                "kind", job.kind.id()))
                        .build())
                .onFailure().recoverWithItem(e -> problem(Response.Status.SERVICE_UNAVAILABLE,
                        "the worker could not queue the job, try again later: " + e.getMessage()));
    }

    @GET
    @Path("/{job_id}")
    public Uni<Response> get(@PathParam("job_id") String jobId) {
        Optional<UUID> id = parseJobId(jobId);
        if (id.isEmpty()) {
            return Uni.createFrom().item(problem(Response.Status.NOT_FOUND, "no job " + jobId));
        }
        return jobs.find(id.get())
                .map(job -> job == null
                        ? problem(Response.Status.NOT_FOUND, "no job " + jobId)
                        : Response.ok(JobView.of(job)).build());
    }

    /**
     * Starts a new round of what a job still owes CKAN: the update-metadata step of a job whose data
     * is loaded (typically one whose retries were used up and whose event was parked), a callback
     * that was given up, default views still due.
     */
    @POST
    @Path("/{job_id}/retry-metadata")
    public Uni<Response> retryMetadata(@PathParam("job_id") String jobId) {
        Optional<UUID> id = parseJobId(jobId);
        if (id.isEmpty()) {
            return Uni.createFrom().item(problem(Response.Status.NOT_FOUND, "no job " + jobId));
        }
        return followUp.retryByHand(id.get()).map(outcome -> {
            if (!outcome.known()) {
                return problem(Response.Status.NOT_FOUND, "no job " + jobId);
            }
            if (!outcome.started()) {
                return problem(Response.Status.CONFLICT, outcome.why());
            }
            return Response.accepted(Map.of("job_id", jobId, "status", outcome.status().id())).build();
        });
    }

    @GET
    public Uni<Response> list(@QueryParam("resource_id") String resourceId, @QueryParam("status") String status,
                              @QueryParam("limit") Integer limit) {
        JobStatus wanted;
        try {
            wanted = status == null || status.isBlank() ? null : JobStatus.fromId(status);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(problem(Response.Status.BAD_REQUEST, "unknown status " + status));
        }
        int clamped = limit == null ? DEFAULT_LIMIT : Math.max(1, Math.min(limit, MAX_LIMIT));
        return jobs.search(blankToNull(resourceId), wanted, clamped)
                .map(found -> Response.ok(views(found)).build());
    }

    private static List<JobView> views(List<IngestJob> found) {
        return found.stream().map(JobView::of).toList();
    }

    private static Optional<UUID> parseJobId(String jobId) {
        try {
            return Optional.of(UUID.fromString(jobId));
        } catch (IllegalArgumentException notAJobId) {
            return Optional.empty();
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    static Response problem(Response.Status status, String message) {
        return Response.status(status).entity(Map.of("error", message)).type(MediaType.APPLICATION_JSON).build();
    }
}
