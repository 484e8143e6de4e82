package io.datapusher.worker.rest;

import io.datapusher.worker.service.ResourceActions;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code POST /api/resources/{resource_id}/preview}: a dry run of a load, queued as a job of kind
 * {@code preview} like {@code "dry_run": true} on POST /api/jobs. It writes nothing to the DataStore
 * or to CKAN; its result is the job's {@code preview}.
 */
@Path("/api/resources/{resource_id}/preview")
@Produces(MediaType.APPLICATION_JSON)
public class PreviewResource {

    private final ResourceActions actions;

    public PreviewResource(ResourceActions actions) {
        this.actions = actions;
    }

    @POST
    public Uni<Response> preview(@PathParam("resource_id") String resourceId) {
        if (resourceId == null || resourceId.isBlank()) {
            return Uni.createFrom().item(JobsResource.problem(Response.Status.BAD_REQUEST, "resource_id is required"));
        }
        return JobsResource.queued(actions.preview(resourceId.trim()));
    }
}
