package io.datapusher.worker.saga.step;

import io.datapusher.worker.JobStatus;
import io.datapusher.worker.StepId;
import io.datapusher.worker.config.CkanConfig;
import io.datapusher.worker.datastore.DatastoreLoader;
import io.datapusher.worker.download.DownloadException;
import io.datapusher.worker.download.DownloadedFile;
import io.datapusher.worker.download.FileDownloader;
import io.datapusher.worker.service.Offload;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code download}: streams the file to disk with its md5. An unchanged file (same md5 as CKAN's
 * {@code hash}, the table already live, no {@code ignore_hash}) ends the job {@code skipped}.
 */
@ApplicationScoped
public class DownloadStep implements IngestStep {

    private final FileDownloader downloader;
    private final DatastoreLoader datastore;
    private final CkanConfig ckan;

    public DownloadStep(FileDownloader downloader, DatastoreLoader datastore, CkanConfig ckan) {
        this.downloader = downloader;
        this.datastore = datastore;
        this.ckan = ckan;
    }

    @Override
    public StepId id() {
        return StepId.DOWNLOAD;
    }

    @Override
    public Uni<StepOutcome> execute(IngestContext context) {
        return Offload.blocking(() -> {
            DownloadedFile file;
            try {
                file = downloader.download(context.resource().downloadUrl(ckan.url()), context.tempFilePrefix(),
                        context.resource().isOwnUpload(ckan.url()));
            } catch (DownloadException e) {
                throw StepFailure.failed(e.getMessage(), e);
            }
            context.file(file);
            if (isUnchanged(context, file)) {
                return StepOutcome.endsJob(JobStatus.SKIPPED,
                        "the file is unchanged (md5 " + file.md5() + " equals the resource's hash); nothing to do");
            }
            return StepOutcome.done(file.size() + " bytes, md5 " + file.md5());
        });
    }

    private boolean isUnchanged(IngestContext context, DownloadedFile file) throws Exception {
        return !context.ignoreHash()
                && file.md5().equalsIgnoreCase(context.resource().hash())
                && datastore.tableExists(context.resourceId());
    }
}
