package io.datapusher.worker.saga.step;

import io.datapusher.worker.StepId;
import io.datapusher.worker.client.CkanClient;
import io.datapusher.worker.client.CkanRejectedException;
import io.datapusher.worker.client.CkanResource;
import io.datapusher.worker.config.CkanConfig;
import io.datapusher.worker.datastore.CkanVersion;
import io.datapusher.worker.saga.IngestContext;
import io.datapusher.worker.saga.IngestStep;
import io.datapusher.worker.saga.StepFailure;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code fetch-resource}: reads the resource from CKAN, and CKAN's version, which decides what the
 * load writes the way that CKAN would (Data Dictionary format, full-text index defaults). The
 * version is cached for {@code ckan.version-cache-ttl}.
 */
@ApplicationScoped
public class FetchResourceStep implements IngestStep {

    private final CkanClient ckan;
    private final CkanConfig config;
    private final AtomicReference<CachedVersion> version = new AtomicReference<>();

    public FetchResourceStep(CkanClient ckan, CkanConfig config) {
        this.ckan = ckan;
        this.config = config;
    }

    @Override
    public StepId id() {
        return StepId.FETCH_RESOURCE;
    }

    @Override
    public Uni<IngestContext> execute(IngestContext context) {
        return ckan.resourceShow(context.resourceId())
                .chain(resource -> ckanVersion().map(v -> withResource(context, resource, v)))
                .onFailure(CkanRejectedException.class).transform(e -> StepFailure.failed(e.getMessage(), e))
                .onFailure(e -> !(e instanceof StepFailure)).transform(e -> StepFailure.retryLater(
                        "CKAN is unavailable, the job will be retried: " + e.getMessage(), e));
    }

    private static IngestContext withResource(IngestContext context, CkanResource resource, String ckanVersion) {
        if (resource.url().isBlank()) {
            throw StepFailure.failed("the resource has no URL to download");
        }
        return context.withResource(resource, CkanVersion.parse(ckanVersion),
                "CKAN " + ckanVersion + ", format " + (resource.format().isBlank() ? "(none)" : resource.format()));
    }

    private Uni<String> ckanVersion() {
        if (config.version().filter(v -> !v.isBlank()).isPresent()) {
            return Uni.createFrom().item(config.version().get().trim());
        }
        CachedVersion cached = version.get();
        if (cached != null && cached.fetchedAt().plus(config.versionCacheTtl()).isAfter(Instant.now())) {
            return Uni.createFrom().item(cached.version());
        }
        return ckan.ckanVersion().invoke(v -> version.set(new CachedVersion(v, Instant.now())));
    }

    private record CachedVersion(String version, Instant fetchedAt) {
    }
}
