package io.datapusher.worker.saga;

import io.datapusher.worker.JobStatus;
import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.client.CkanResource;
import io.datapusher.worker.datastore.CkanVersion;
import io.datapusher.worker.datastore.LoadResult;
import io.datapusher.worker.download.DownloadedFile;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What the saga knows about one job so far. Each step returns a new context with what it added;
 * {@code endedWith} set means a step ended the job early (an unchanged file is skipped).
 */
public record IngestContext(UUID jobId, String resourceId, boolean ignoreHash, Instant jobCreatedAt,
                            CkanResource resource, CkanVersion ckanVersion,
                            DownloadedFile file, Analysis analysis, LoadResult loadResult,
                            String detail, List<String> warnings, JobStatus endedWith, String loadedHash) {

    public static IngestContext start(UUID jobId, String resourceId, boolean ignoreHash, Instant jobCreatedAt) {
        return new IngestContext(jobId, resourceId, ignoreHash, jobCreatedAt, null, null, null, null, null, null, List.of(), null, null);
    }

    /**
     * A job whose load already committed (the pivot is behind it): only update-metadata runs, with
     * the hash of the file that was loaded.
     */
    public IngestContext pastThePivot(String hash) {
        return new IngestContext(jobId, resourceId, ignoreHash, jobCreatedAt, resource, ckanVersion, file, analysis,
                loadResult, "resumed after the load had committed", List.of(), endedWith, hash);
    }

    public boolean isPastThePivot() {
        return loadedHash != null;
    }

    /** The md5 of the file whose data is (or is about to be) live. */
    public String hash() {
        return loadedHash != null ? loadedHash : file.md5();
    }

    public IngestContext withResource(CkanResource resource, CkanVersion ckanVersion, String detail) {
        return new IngestContext(jobId, resourceId, ignoreHash, jobCreatedAt, resource, ckanVersion, file, analysis, loadResult, detail, List.of(), endedWith, loadedHash);
    }

    public IngestContext withFile(DownloadedFile file, String detail) {
        return new IngestContext(jobId, resourceId, ignoreHash, jobCreatedAt, resource, ckanVersion, file, analysis, loadResult, detail, List.of(), endedWith, loadedHash);
    }

    public IngestContext withAnalysis(Analysis analysis, String detail, List<String> warnings) {
        return new IngestContext(jobId, resourceId, ignoreHash, jobCreatedAt, resource, ckanVersion, file, analysis, loadResult, detail, List.copyOf(warnings), endedWith, loadedHash);
    }

    public IngestContext withLoadResult(LoadResult loadResult, String detail, List<String> warnings) {
        return new IngestContext(jobId, resourceId, ignoreHash, jobCreatedAt, resource, ckanVersion, file, analysis, loadResult, detail, List.copyOf(warnings), endedWith, loadedHash);
    }

    public IngestContext withDetail(String detail) {
        return new IngestContext(jobId, resourceId, ignoreHash, jobCreatedAt, resource, ckanVersion, file, analysis, loadResult, detail, List.of(), endedWith, loadedHash);
    }

    public IngestContext endedWith(JobStatus status, String detail) {
        return new IngestContext(jobId, resourceId, ignoreHash, jobCreatedAt, resource, ckanVersion, file, analysis, loadResult, detail, List.of(), status, loadedHash);
    }

    public boolean ended() {
        return endedWith != null;
    }

    /** Temp files of this job start with this prefix, so that every outcome can remove them. */
    public String tempFilePrefix() {
        return "dpw-" + jobId + "-";
    }
}
