package io.datapusher.worker.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.datapusher.worker.config.CkanConfig;
import io.smallrye.faulttolerance.api.CircuitBreakerName;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

import java.time.temporal.ChronoUnit;

/**
 * The guarded way to call CKAN. Short blips (a 5xx, a refused connection, a slow answer) are
 * retried here; a refusal (4xx) is not, and an outage that outlasts the retries surfaces as
 * {@link CkanUnavailableException} for the saga to decide what it means. All values can be
 * overridden per method with {@code quarkus.fault-tolerance."<class>/<method>".*} properties.
 */
@ApplicationScoped
public class CkanClient {

    private final CkanApi api;
    private final DatapusherHookApi hook;
    private final CkanConfig config;

    public CkanClient(@RestClient CkanApi api, @RestClient DatapusherHookApi hook, CkanConfig config) {
        this.api = api;
        this.hook = hook;
        this.config = config;
    }

    @Timeout(value = 30, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 3, delay = 1, delayUnit = ChronoUnit.SECONDS, jitter = 500, abortOn = CkanRejectedException.class)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.8, delay = 30, delayUnit = ChronoUnit.SECONDS,
            skipOn = CkanRejectedException.class)
    @CircuitBreakerName("ckan-status-show")
    public Uni<String> ckanVersion() {
        return api.statusShow(JsonNodeFactory.instance.objectNode())
                .map(envelope -> envelope.path("result").path("ckan_version").asText(""))
                .onFailure(CkanClient::isTransport).transform(e -> unreachable("status_show", e));
    }

    @Timeout(value = 30, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 3, delay = 1, delayUnit = ChronoUnit.SECONDS, jitter = 500, abortOn = CkanRejectedException.class)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.8, delay = 30, delayUnit = ChronoUnit.SECONDS,
            skipOn = CkanRejectedException.class)
    @CircuitBreakerName("ckan-resource-show")
    public Uni<CkanResource> resourceShow(String resourceId) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("id", resourceId);
        return api.resourceShow(token(), body)
                .map(envelope -> CkanResource.from(envelope.path("result")))
                .onFailure(CkanClient::isTransport).transform(e -> unreachable("resource_show", e));
    }

    @Timeout(value = 60, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 3, delay = 2, delayUnit = ChronoUnit.SECONDS, jitter = 1000, abortOn = CkanRejectedException.class)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.8, delay = 30, delayUnit = ChronoUnit.SECONDS,
            skipOn = CkanRejectedException.class)
    @CircuitBreakerName("ckan-resource-patch")
    public Uni<JsonNode> resourcePatch(ObjectNode patch) {
        return api.resourcePatch(token(), patch)
                .map(envelope -> envelope.path("result"))
                .onFailure(CkanClient::isTransport).transform(e -> unreachable("resource_patch", e));
    }

    /**
     * Creates the resource's default views, including those that need the DataStore (the "Table"
     * preview), as CKAN's own DataPusher hook does after a first load. CKAN skips views that exist.
     */
    @Timeout(value = 60, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 3, delay = 2, delayUnit = ChronoUnit.SECONDS, jitter = 1000, abortOn = CkanRejectedException.class)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.8, delay = 30, delayUnit = ChronoUnit.SECONDS,
            skipOn = CkanRejectedException.class)
    @CircuitBreakerName("ckan-default-views")
    public Uni<JsonNode> createDefaultViews(JsonNode resource) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("resource", resource);
        body.put("create_datastore_views", true);
        return api.resourceCreateDefaultResourceViews(token(), body)
                .map(envelope -> envelope.path("result"))
                .onFailure(CkanClient::isTransport).transform(e -> unreachable("resource_create_default_resource_views", e));
    }

    /**
     * Posts the DataPusher callback to CKAN's {@code result_url}, with the token raw in
     * {@code Authorization} as DataPusher does. Only a 2xx answer counts as delivered.
     */
    @Timeout(value = 60, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 3, delay = 2, delayUnit = ChronoUnit.SECONDS, jitter = 1000, abortOn = CkanRejectedException.class)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.8, delay = 30, delayUnit = ChronoUnit.SECONDS,
            skipOn = CkanRejectedException.class)
    @CircuitBreakerName("ckan-datapusher-hook")
    public Uni<JsonNode> datapusherHook(String resultUrl, JsonNode body) {
        return hook.post(resultUrl, token(), body)
                .onFailure(CkanClient::isTransport).transform(e -> unreachable("datapusher_hook", e));
    }

    /** The CKAN origin, for the download guard and for deciding where the token may go. */
    public String baseUrl() {
        return config.url();
    }

    private String token() {
        return config.apiToken().filter(t -> !t.isBlank()).orElse(null);
    }

    private static boolean isTransport(Throwable e) {
        return !(e instanceof CkanException);
    }

    private static CkanUnavailableException unreachable(String action, Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String detail = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return new CkanUnavailableException(0, action + " could not reach CKAN: " + detail);
    }
}
