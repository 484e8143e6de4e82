package io.datapusher.worker.rest;

import io.datapusher.worker.config.ApiToken;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every resource under {@code /api} needs {@code Authorization: Bearer <INGEST_API_TOKEN>}: the jobs
 * API reloads any resource on demand and shows errors that quote cells of private files. With no
 * token configured it answers 403 to everyone. CKAN's {@code /job} endpoints keep their own
 * {@code api_key} and {@code job_key}; {@code /q/*} is not a JAX-RS resource and stays open.
 *
 * <p>The filter runs after matching and asks which resource class answers, rather than reading the
 * path, so no spelling of a path ({@code //api}, {@code /./api}, encoded slashes) slips past it.
 */
@ApplicationScoped
public class ApiTokenFilter {

    private static final Logger LOG = Logger.getLogger(ApiTokenFilter.class);
    private static final String BEARER = "bearer ";

    private final ApiToken token;

    public ApiTokenFilter(ApiToken token) {
        this.token = token;
    }

    void warnWhenClosed(@Observes StartupEvent started) {
        if (!token.configured()) {
            LOG.warn("INGEST_API_TOKEN is not set, so every /api/* request is refused with 403. Set INGEST_API_TOKEN"
                    + " to a long random secret and send it as 'Authorization: Bearer <token>' to use the jobs API");
        }
    }

    @ServerRequestFilter
    public Optional<Response> requireToken(ContainerRequestContext request, ResourceInfo resource) {
        if (!underApi(resource)) {
            return Optional.empty();
        }
        if (!token.configured()) {
            return Optional.of(refusal(Response.Status.FORBIDDEN,
                    "the jobs API is closed: the worker has no INGEST_API_TOKEN configured"));
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        boolean bearer = header != null && header.length() > BEARER.length()
                && header.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER);
        if (!token.matches(bearer ? header.substring(BEARER.length()) : null)) {
            return Optional.of(Response.fromResponse(refusal(Response.Status.UNAUTHORIZED,
                            "send Authorization: Bearer <INGEST_API_TOKEN>"))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"datapusher-worker\"").build());
        }
        return Optional.empty();
    }

    private static boolean underApi(ResourceInfo resource) {
        Class<?> type = resource == null ? null : resource.getResourceClass();
        Path path = type == null ? null : type.getAnnotation(Path.class);
        if (path == null) {
            return false;
        }
        String value = path.value().replaceAll("^/+", "");
        return value.equals("api") || value.startsWith("api/");
    }

    private static Response refusal(Response.Status status, String message) {
        return Response.status(status).entity(Map.of("error", message)).type(MediaType.APPLICATION_JSON).build();
    }
}
