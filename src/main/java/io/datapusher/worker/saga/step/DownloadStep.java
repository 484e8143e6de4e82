package io.datapusher.worker.saga.step;

import io.datapusher.worker.JobStatus;
import io.datapusher.worker.StepId;
import io.datapusher.worker.config.CkanConfig;
import io.datapusher.worker.datastore.DatastoreLoader;
import io.datapusher.worker.datastore.LiveTable;
import io.datapusher.worker.download.DownloadException;
import io.datapusher.worker.download.DownloadedFile;
import io.datapusher.worker.download.FileDownloader;
import io.datapusher.worker.progress.Phase;
import io.datapusher.worker.service.IngestJobService;
import io.datapusher.worker.service.Offload;
import io.datapusher.worker.settings.SettingsChange;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code download}: streams the file to disk with its md5. An unchanged file (same md5 as CKAN's
 * {@code hash} and as the live table's marker, no {@code ignore_hash}) ends the job {@code skipped},
 * unless the resource's settings changed since the job that loaded the live table: a curator who
 * sets {@code datapusher_sheet} and presses "Upload to DataStore" wants the same file read anew.
 */
@ApplicationScoped
public class DownloadStep implements IngestStep {

    private final FileDownloader downloader;
    private final DatastoreLoader datastore;
    private final CkanConfig ckan;
    private final IngestJobService jobs;

    public DownloadStep(FileDownloader downloader, DatastoreLoader datastore, CkanConfig ckan, IngestJobService jobs) {
        this.downloader = downloader;
        this.datastore = datastore;
        this.ckan = ckan;
        this.jobs = jobs;
    }

    @Override
    public StepId id() {
        return StepId.DOWNLOAD;
    }

    @Override
    public Uni<StepOutcome> execute(IngestContext context) {
        return Offload.blocking(() -> {
            DownloadedFile file;
            context.progress().enter(Phase.DOWNLOAD);
            try {
                file = downloader.download(context.resource().downloadUrl(ckan.url()), context.tempFilePrefix(),
                        context.resource().isOwnUpload(ckan.url()), context.progress());
            } catch (DownloadException e) {
                throw StepFailure.failed(e.getMessage(), e);
            }
            context.file(file);
            return unchangedSince(context, file);
        }).chain(loadedBy -> loadedBy.isEmpty() ? Uni.createFrom().item(done(context.file(), ""))
                : settingsOf(loadedBy.get()).map(before -> {
                    Optional<String> changed = SettingsChange.between(before, context.settings());
                    DownloadedFile file = context.file();
                    return changed.isPresent() ? done(file, "; the file is unchanged but " + changed.get() + ", so it is loaded again")
                            : StepOutcome.endsJob(JobStatus.SKIPPED,
                            "the file is unchanged (md5 " + file.md5() + " equals the resource's hash); nothing to do");
                }));
    }

    private static StepOutcome done(DownloadedFile file, String note) {
        return StepOutcome.done(file.size() + " bytes, md5 " + file.md5() + note);
    }

    /** The settings of the job that loaded the live table; empty when it is not in the jobs table any more. */
    private Uni<Optional<Map<String, Object>>> settingsOf(String jobId) {
        UUID id;
        try {
            id = UUID.fromString(jobId);
        } catch (IllegalArgumentException notOurs) {
            return Uni.createFrom().item(Optional.empty());
        }
        return jobs.find(id).map(job -> job == null ? Optional.empty() : Optional.ofNullable(job.settings));
    }

    /**
     * CKAN's {@code hash} says which file CKAN last recorded, not which one the live table holds: a
     * load that failed, another loader, or a table CKAN recreated can leave them apart. So the
     * live table's marker, written by the swap that loaded it, must name this very file too; a
     * table without one (loaded by another tool) or no table at all is loaded.
     *
     * @return the id of the job that loaded the live table from this very file; empty when the file must be loaded
     */
    private Optional<String> unchangedSince(IngestContext context, DownloadedFile file) throws Exception {
        if (context.ignoreHash() || !file.md5().equalsIgnoreCase(context.resource().hash())) {
            return Optional.empty();
        }
        return datastore.describe(context.resourceId())
                .flatMap(LiveTable::marker)
                .filter(marker -> file.md5().equalsIgnoreCase(marker.hash()))
                .map(LiveTable.Marker::jobId);
    }
}
