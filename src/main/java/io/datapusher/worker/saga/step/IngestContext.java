package io.datapusher.worker.saga.step;

import io.datapusher.worker.IngestJob;
import io.datapusher.worker.JobKind;
import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.client.CkanResource;
import io.datapusher.worker.datastore.CkanVersion;
import io.datapusher.worker.datastore.LoadResult;
import io.datapusher.worker.download.DownloadedFile;
import io.datapusher.worker.progress.JobProgress;
import io.datapusher.worker.settings.ResourceSettings;

import java.time.Instant;
import java.util.UUID;

/**
 * What the saga knows about one job: which job it is, and what each step has produced so far. One
 * saga run owns it and its steps run one after another, so the steps simply set their output.
 */
public final class IngestContext {

    private final UUID jobId;
    private final String resourceId;
    private final boolean ignoreHash;
    private final Instant jobCreatedAt;
    private final JobKind kind;
    private final boolean acceptDrift;
    private boolean fullReload;
    private LoadStep.Path loadPath;

    private CkanResource resource;
    private CkanVersion ckanVersion;
    private ResourceSettings settings;
    private DownloadedFile file;
    private Analysis analysis;
    private LoadResult loaded;
    private String loadedHash;
    private Instant deadline;
    private String restoreVersion;
    private JobProgress progress = JobProgress.untracked();

    IngestContext(UUID jobId, String resourceId, boolean ignoreHash, Instant jobCreatedAt) {
        this(jobId, resourceId, ignoreHash, jobCreatedAt, JobKind.LOAD, false);
    }

    IngestContext(UUID jobId, String resourceId, boolean ignoreHash, Instant jobCreatedAt, JobKind kind,
                  boolean acceptDrift) {
        this.jobId = jobId;
        this.resourceId = resourceId;
        this.ignoreHash = ignoreHash;
        this.jobCreatedAt = jobCreatedAt;
        this.kind = kind == null ? JobKind.LOAD : kind;
        this.acceptDrift = acceptDrift;
    }

    public static IngestContext of(IngestJob job) {
        IngestContext context = new IngestContext(job.jobId, job.resourceId, job.ignoreHash, job.createdAt.toInstant(),
                job.kind, job.acceptDrift);
        context.fullReload = job.fullReload;
        return context;
    }

    /** What the job does; a preview stops after the analysis and writes nothing. */
    public JobKind kind() {
        return kind;
    }

    public boolean isPreview() {
        return kind == JobKind.PREVIEW;
    }

    /** The job may load past INGEST_DRIFT_POLICY. */
    public boolean acceptDrift() {
        return acceptDrift;
    }

    /** {@code "full": true} on the job: no incremental load. */
    public boolean fullReload() {
        return fullReload;
    }

    /** How load put the file in; null before it committed, or when the job resumed past it. */
    public LoadStep.Path loadPath() {
        return loadPath;
    }

    public void loadPath(LoadStep.Path loadPath) {
        this.loadPath = loadPath;
    }

    public UUID jobId() {
        return jobId;
    }

    public String resourceId() {
        return resourceId;
    }

    /** A preview looks at the file even when it is the one already loaded. */
    public boolean ignoreHash() {
        return ignoreHash || isPreview();
    }

    public Instant jobCreatedAt() {
        return jobCreatedAt;
    }

    /** When INGEST_JOB_TIMEOUT ends the job, unless its load has swapped by then. */
    public Instant deadline() {
        return deadline;
    }

    public void deadline(Instant deadline) {
        this.deadline = deadline;
    }

    /** fetch-resource's output: the resource, and the CKAN release the load writes for. */
    public void resource(CkanResource resource, CkanVersion ckanVersion) {
        this.resource = resource;
        this.ckanVersion = ckanVersion;
    }

    public CkanResource resource() {
        return resource;
    }

    public CkanVersion ckanVersion() {
        return ckanVersion;
    }

    /** The resource's settings, resolved by fetch-resource and completed by analyze. */
    public void settings(ResourceSettings settings) {
        this.settings = settings;
    }

    public ResourceSettings settings() {
        return settings;
    }

    /** download's output. */
    public void file(DownloadedFile file) {
        this.file = file;
    }

    public DownloadedFile file() {
        return file;
    }

    /** analyze's output. */
    public void analysis(Analysis analysis) {
        this.analysis = analysis;
    }

    public Analysis analysis() {
        return analysis;
    }

    /** load's output: the pivot is behind the job. */
    public void loaded(LoadResult loaded) {
        this.loaded = loaded;
    }

    public LoadResult loaded() {
        return loaded;
    }

    /** For a restore: the job id of the version to bring back; null for the newest. */
    public void restoreVersion(String version) {
        this.restoreVersion = version;
    }

    public String restoreVersion() {
        return restoreVersion;
    }

    /** restore's output: the version is live, loaded from the file with this md5 ("" when unknown). */
    public void restored(LoadResult loaded, String hash) {
        this.loaded = loaded;
        this.loadedHash = hash == null ? "" : hash;
    }

    /** The job resumes after its load had committed, with the hash of the file that was loaded. */
    public void resumedPastThePivot(String hash) {
        this.loadedHash = hash;
    }

    public boolean isPastThePivot() {
        return loadedHash != null || loaded != null;
    }

    /** The md5 of the file whose data is (or is about to be) live. */
    public String hash() {
        return loadedHash != null ? loadedHash : file.md5();
    }

    /** The counters the steps bump as they go, which the job's {@code progress} shows; untracked until the saga tracks them. */
    public JobProgress progress() {
        return progress;
    }

    public void progress(JobProgress progress) {
        this.progress = progress;
    }

    /** Temp files of this job start with this prefix, so that every outcome can remove them. */
    public String tempFilePrefix() {
        return "dpw-" + jobId + "-";
    }
}
