package io.datapusher.worker.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.rest.client.reactive.ClientExceptionMapper;
import io.quarkus.rest.client.reactive.Url;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * CKAN's {@code datapusher_hook}, posted to the exact {@code result_url} CKAN gave in POST /job
 * (which the REST layer only accepts on CKAN_URL's origin). A separate interface because the URL is
 * CKAN's, per job, not a path under CKAN_URL.
 */
@RegisterRestClient(configKey = "ckan")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
interface DatapusherHookApi {

    @POST
    Uni<JsonNode> post(@Url String resultUrl, @HeaderParam("Authorization") String token, JsonNode body);

    @ClientExceptionMapper
    static RuntimeException toException(Response response) {
        if (response.getStatus() < 400) {
            return null;
        }
        return CkanResponses.toException("datapusher_hook", response);
    }
}
