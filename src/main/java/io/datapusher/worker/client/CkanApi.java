package io.datapusher.worker.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

import java.lang.reflect.Method;

/**
 * CKAN's Action API as the worker uses it: always POST, the token raw in {@code Authorization}.
 * Fault tolerance lives on {@link CkanClient}, which is the only user of this interface.
 */
@RegisterRestClient(configKey = "ckan")
@Path("/api/3/action")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
interface CkanApi {

    @POST
    @Path("/status_show")
    Uni<JsonNode> statusShow(JsonNode body);

    @POST
    @Path("/resource_show")
    Uni<JsonNode> resourceShow(@HeaderParam("Authorization") String token, JsonNode body);

    @POST
    @Path("/resource_patch")
    Uni<JsonNode> resourcePatch(@HeaderParam("Authorization") String token, JsonNode body);

    @POST
    @Path("/resource_create_default_resource_views")
    Uni<JsonNode> resourceCreateDefaultResourceViews(@HeaderParam("Authorization") String token, JsonNode body);

    @ClientExceptionMapper
    static RuntimeException toException(Response response, Method method) {
        if (response.getStatus() < 400) {
            return null;
        }
        return CkanResponses.toException(actionOf(method), response);
    }

    private static String actionOf(Method method) {
        Path path = method.getAnnotation(Path.class);
        return path == null ? method.getName() : path.value().replace("/", "");
    }
}
