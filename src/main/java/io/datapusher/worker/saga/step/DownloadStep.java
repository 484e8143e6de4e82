package io.datapusher.worker.saga.step;

import io.datapusher.worker.JobStatus;
import io.datapusher.worker.StepId;
import io.datapusher.worker.config.CkanConfig;
import io.datapusher.worker.datastore.DatastoreLoader;
import io.datapusher.worker.datastore.LiveTable;
import io.datapusher.worker.download.DownloadException;
import io.datapusher.worker.download.DownloadedFile;
import io.datapusher.worker.download.FileDownloader;
import io.datapusher.worker.service.Offload;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code download}: streams the file to disk with its md5. An unchanged file (same md5 as CKAN's
 * {@code hash} and as the live table's marker, no {@code ignore_hash}) ends the job {@code skipped}.
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

    /**
     * CKAN's {@code hash} says which file CKAN last recorded, not which one the live table holds: a
     * load that failed, another loader, or a table CKAN recreated can leave them apart. So the
     * live table's marker, written by the swap that loaded it, must name this very file too; a
     * table without one (loaded by another tool) or no table at all is loaded.
     */
    private boolean isUnchanged(IngestContext context, DownloadedFile file) throws Exception {
        if (context.ignoreHash() || !file.md5().equalsIgnoreCase(context.resource().hash())) {
            return false;
        }
        return datastore.describe(context.resourceId())
                .flatMap(LiveTable::marker)
                .map(LiveTable.Marker::hash)
                .filter(file.md5()::equalsIgnoreCase)
                .isPresent();
    }
}
