package io.datapusher.worker.saga;

import io.datapusher.worker.JobStatus;
import io.datapusher.worker.analyze.Analysis;
import io.datapusher.worker.client.CkanResource;
import io.datapusher.worker.datastore.CommentFormat;
import io.datapusher.worker.datastore.LoadResult;
import io.datapusher.worker.download.DownloadedFile;

import java.util.UUID;

/**
 * What the saga knows about one job so far. Each step returns a new context with what it added;
 * {@code endedWith} set means a step ended the job early (an unchanged file is skipped).
 */
public record IngestContext(UUID jobId, String resourceId, boolean ignoreHash,
                            CkanResource resource, CommentFormat commentFormat,
                            DownloadedFile file, Analysis analysis, LoadResult loadResult,
                            String detail, JobStatus endedWith) {

    public static IngestContext start(UUID jobId, String resourceId, boolean ignoreHash) {
        return new IngestContext(jobId, resourceId, ignoreHash, null, null, null, null, null, null, null);
    }

    public IngestContext withResource(CkanResource resource, CommentFormat format, String detail) {
        return new IngestContext(jobId, resourceId, ignoreHash, resource, format, file, analysis, loadResult, detail, endedWith);
    }

    public IngestContext withFile(DownloadedFile file, String detail) {
        return new IngestContext(jobId, resourceId, ignoreHash, resource, commentFormat, file, analysis, loadResult, detail, endedWith);
    }

    public IngestContext withAnalysis(Analysis analysis, String detail) {
        return new IngestContext(jobId, resourceId, ignoreHash, resource, commentFormat, file, analysis, loadResult, detail, endedWith);
    }

    public IngestContext withLoadResult(LoadResult loadResult, String detail) {
        return new IngestContext(jobId, resourceId, ignoreHash, resource, commentFormat, file, analysis, loadResult, detail, endedWith);
    }

    public IngestContext withDetail(String detail) {
        return new IngestContext(jobId, resourceId, ignoreHash, resource, commentFormat, file, analysis, loadResult, detail, endedWith);
    }

    public IngestContext endedWith(JobStatus status, String detail) {
        return new IngestContext(jobId, resourceId, ignoreHash, resource, commentFormat, file, analysis, loadResult, detail, status);
    }

    public boolean ended() {
        return endedWith != null;
    }

    /** Temp files of this job start with this prefix, so that every outcome can remove them. */
    public String tempFilePrefix() {
        return "dpw-" + jobId + "-";
    }
}
