package io.datapusher.worker.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.datapusher.worker.JobStatus;
import io.datapusher.worker.datastore.RestoreRefusedException;
import io.datapusher.worker.service.ResourceActions;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.Map;

/**
 * The undo of docs/api.md: the versions of a resource's table kept in history, and a restore of
 * one of them, which is a job like a load (queued, and run by the saga). A restore that cannot be
 * done is refused here, before any job exists; the swap checks again.
 */
@Path("/api/resources/{resource_id}")
@Produces(MediaType.APPLICATION_JSON)
public class ResourceHistoryResource {

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final ResourceActions actions;

    public ResourceHistoryResource(ResourceActions actions) {
        this.actions = actions;
    }

    @GET
    @Path("/history")
    public Uni<Response> history(@PathParam("resource_id") String resourceId) {
        return actions.history(resourceId)
                .map(versions -> Response.ok(versions.stream().map(HistoryView::of).toList()).build())
                .onFailure().recoverWithItem(e -> problem(Response.Status.SERVICE_UNAVAILABLE,
                        "the DataStore database could not be read, try again later: " + e.getMessage()));
    }

    /** The body is optional, and so is its content type: {@code curl -X POST .../restore} restores the newest version. */
    @POST
    @Path("/restore")
    public Uni<Response> restore(@PathParam("resource_id") String resourceId, String body) {
        RestoreRequest request;
        try {
            request = body == null || body.isBlank() ? null : JSON.readValue(body, RestoreRequest.class);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().item(problem(Response.Status.BAD_REQUEST,
                    "the body must be JSON such as {\"version\": \"<job_id>\"}, or nothing for the newest version"));
        }
        String version = request == null || request.version() == null || request.version().isBlank()
                ? null : request.version().trim();
        return actions.restore(resourceId, version)
                .map(job -> Response.accepted(Map.of("job_id", job.jobId.toString(), "status", JobStatus.QUEUED.id())).build())
                .onFailure(RestoreRefusedException.class).recoverWithItem(e -> problem(
                        ((RestoreRefusedException) e).reason() == RestoreRefusedException.Reason.UNKNOWN_VERSION
                                ? Response.Status.NOT_FOUND : Response.Status.CONFLICT, e.getMessage()))
                .onFailure().recoverWithItem(e -> problem(Response.Status.SERVICE_UNAVAILABLE,
                        "the worker could not queue the restore, try again later: " + e.getMessage()));
    }

    private static Response problem(Response.Status status, String message) {
        return Response.status(status).entity(Map.of("error", message)).type(MediaType.APPLICATION_JSON).build();
    }
}
