package io.datapusher.worker.saga.step;

import io.datapusher.worker.IngestJob;
import io.datapusher.worker.JobStatus;
import io.datapusher.worker.StepId;
import io.datapusher.worker.analyze.AnalysisException;
import io.datapusher.worker.client.CkanClient;
import io.datapusher.worker.client.CkanRejectedException;
import io.datapusher.worker.client.CkanResource;
import io.datapusher.worker.config.CkanConfig;
import io.datapusher.worker.config.IngestConfig;
import io.datapusher.worker.datastore.CkanVersion;
import io.datapusher.worker.formats.FormatDetector;
import io.datapusher.worker.service.Offload;
import io.datapusher.worker.settings.InvalidSettingException;
import io.datapusher.worker.settings.ResourceField;
import io.datapusher.worker.settings.ResourceSettings;
import io.datapusher.worker.settings.SettingsResolver;
import io.datapusher.worker.service.IngestJobService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code fetch-resource}: reads the resource from CKAN, and CKAN's version, which decides what the
 * load writes the way that CKAN would (Data Dictionary format, full-text index defaults). The
 * version is cached for {@code ckan.version-cache-ttl}.
 *
 * <p>Two kinds of resource end here: one whose table is edited through the DataStore API
 * ({@code url_type} {@code datastore} or {@code tabledesigner}) is skipped, because its URL is
 * CKAN's own dump of that very table; one whose format names something that is not a table fails
 * before anything is downloaded.
 *
 * <p>It also resolves the resource's settings ({@code datapusher_*} fields over {@code INGEST_*}),
 * so that a bad value fails before the download and {@code datapusher_skip} ends the job here.
 */
@ApplicationScoped
public class FetchResourceStep implements IngestStep {

    /**
     * CKAN's datapusher plugin posts the job from inside the request that creates or changes the
     * resource, before that request commits: until then resource_show answers 404, or shows the old
     * URL. These bound how long a submitted job waits for CKAN's commit.
     */
    private static final Logger LOG = Logger.getLogger(FetchResourceStep.class);

    static final Duration COMMIT_WAIT_FIRST = Duration.ofMillis(500);
    static final Duration COMMIT_WAIT_MAX = Duration.ofSeconds(4);
    static final int COMMIT_WAIT_TRIES = 5;

    private final CkanClient ckan;
    private final CkanConfig config;
    private final IngestConfig ingest;
    private final IngestJobService jobs;
    private final AtomicReference<CachedVersion> version = new AtomicReference<>();

    public FetchResourceStep(CkanClient ckan, CkanConfig config, IngestConfig ingest, IngestJobService jobs) {
        this.ckan = ckan;
        this.config = config;
        this.ingest = ingest;
        this.jobs = jobs;
    }

    @Override
    public StepId id() {
        return StepId.FETCH_RESOURCE;
    }

    @Override
    public Uni<StepOutcome> execute(IngestContext context) {
        return jobs.find(context.jobId())
                .chain(job -> committedResource(context.resourceId(), submittedUrl(job)))
                .chain(resource -> ckanVersion().map(v -> withResource(context, resource, v)))
                .onFailure(CkanRejectedException.class).transform(e -> StepFailure.failed(e.getMessage(), e))
                .onFailure(e -> !(e instanceof StepFailure)).transform(e -> StepFailure.outage(
                        "CKAN is unavailable, the job will be retried: " + e.getMessage(), e))
                .call(outcome -> context.settings() == null ? Uni.createFrom().voidItem()
                        : jobs.recordSettings(context.jobId(), context.settings().toJson()));
    }

    /**
     * The resource's {@code datapusher_*} settings over the INGEST_* defaults. A value the worker
     * cannot use fails the job here, before the download, naming the field and what it accepts.
     */
    private ResourceSettings settings(IngestContext context, CkanResource resource) {
        try {
            ResourceSettings settings = SettingsResolver.resolve(resource.extras(), ingest.analysis());
            settings.warnings().forEach(w -> LOG.warnf("Job %s (resource %s): %s", context.jobId(), context.resourceId(), w));
            context.settings(settings);
            return settings;
        } catch (InvalidSettingException e) {
            throw StepFailure.failed(e.getMessage() + "; nothing was downloaded", e);
        }
    }

    private StepOutcome withResource(IngestContext context, CkanResource resource, String ckanVersion) {
        context.resource(resource, CkanVersion.parse(ckanVersion));
        if (ingest.datastoreUrlTypes().contains(resource.urlType())) {
            return StepOutcome.endsJob(JobStatus.SKIPPED, "the resource's table is edited through the DataStore API (url_type "
                            + resource.urlType() + "); its URL is CKAN's own dump of that table, so it is never "
                            + "loaded from it and the table is left as it is");
        }
        ResourceSettings settings = settings(context, resource);
        if (settings.skip()) {
            return StepOutcome.endsJob(JobStatus.SKIPPED, "the resource field " + ResourceField.SKIP.field()
                    + " is true: this resource is never loaded, and its table is left as it is");
        }
        if (resource.url().isBlank()) {
            throw StepFailure.failed("the resource has no URL to download");
        }
        try {
            FormatDetector.requireLoadable(resource.format());
        } catch (AnalysisException e) {
            throw StepFailure.failed(e.getMessage() + "; nothing was downloaded", e);
        }
        return StepOutcome.done("CKAN " + ckanVersion + ", format " + (resource.format().isBlank() ? "(none)" : resource.format()),
                settings.warnings());
    }

    /**
     * The resource as CKAN has committed it. For a job that CKAN's datapusher plugin submitted, a
     * 404 or a URL other than the one submitted means CKAN has not committed yet: ask again a few
     * times, then go on with what CKAN shows (a URL changed since is CKAN's to resubmit).
     */
    private Uni<CkanResource> committedResource(String resourceId, Optional<String> submittedUrl) {
        if (submittedUrl.isEmpty()) {
            return ckan.resourceShow(resourceId);
        }
        AtomicReference<CkanResource> latest = new AtomicReference<>();
        Uni<CkanResource> waited = ckan.resourceShow(resourceId)
                .invoke(resource -> {
                    latest.set(resource);
                    if (!submittedUrl.get().equals(resource.url())) {
                        throw new NotCommittedYet();
                    }
                })
                .onFailure(FetchResourceStep::notCommittedYet).retry()
                .withBackOff(COMMIT_WAIT_FIRST, COMMIT_WAIT_MAX).atMost(COMMIT_WAIT_TRIES)
                .onFailure(NotCommittedYet.class).recoverWithItem(latest::get);
        return Offload.onCallersContext(waited);
    }

    private static boolean notCommittedYet(Throwable e) {
        return e instanceof NotCommittedYet || e instanceof CkanRejectedException rejected && rejected.status() == 404;
    }

    /** The resource URL CKAN's plugin submitted with the job, when it came through POST /job. */
    private static Optional<String> submittedUrl(IngestJob job) {
        if (job == null || !job.submittedByDatapusherPlugin() || job.callbackMetadata == null) {
            return Optional.empty();
        }
        try {
            String url = new com.fasterxml.jackson.databind.ObjectMapper().readTree(job.callbackMetadata)
                    .path("original_url").asText("");
            return url.isBlank() ? Optional.empty() : Optional.of(url);
        } catch (Exception unreadable) {
            return Optional.empty();
        }
    }

    private static final class NotCommittedYet extends RuntimeException {
        NotCommittedYet() {
            super("CKAN has not committed the submitted resource yet", null, false, false);
        }
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
