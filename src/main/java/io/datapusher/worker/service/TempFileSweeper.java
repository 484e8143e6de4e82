package io.datapusher.worker.service;

import io.datapusher.worker.IngestJob;
import io.datapusher.worker.JobStatus;
import io.datapusher.worker.config.IngestConfig;
import io.datapusher.worker.service.Offload;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes temp files that no running job owns. A job removes its own files however it ends, but a
 * killed process cannot: its files are named after their job ({@code dpw-<job id>-...}), so any file
 * whose job is not running is left over from a crash, whichever replica wrote it.
 */
@ApplicationScoped
public class TempFileSweeper {

    private static final Logger LOG = Logger.getLogger(TempFileSweeper.class);
    private static final Pattern JOB_FILE = Pattern.compile("^dpw-([0-9a-f-]{36})-.*");

    private final IngestJobService jobs;
    private final IngestConfig config;

    public TempFileSweeper(IngestJobService jobs, IngestConfig config) {
        this.jobs = jobs;
        this.config = config;
    }

    @Scheduled(every = "${ingest.temp.sweep-interval:5m}", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return Offload.blocking(this::jobFiles)
                .chain(files -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (JobFile file : files) {
                        chain = chain.chain(() -> jobs.find(file.jobId())
                                .invoke(job -> deleteUnlessRunning(file, job))
                                .replaceWithVoid());
                    }
                    return chain;
                })
                .onFailure().invoke(e -> LOG.warnf("Could not sweep temp files: %s", e.getMessage()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    private List<JobFile> jobFiles() {
        Path dir = Path.of(config.temp().dir().filter(d -> !d.isBlank()).orElse(System.getProperty("java.io.tmpdir")));
        List<JobFile> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "dpw-*")) {
            for (Path file : files) {
                Matcher m = JOB_FILE.matcher(file.getFileName().toString());
                if (m.matches()) {
                    found.add(new JobFile(file, UUID.fromString(m.group(1))));
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            LOG.warnf("Could not list temp files in %s: %s", dir, e.getMessage());
        }
        return found;
    }

    private static void deleteUnlessRunning(JobFile file, IngestJob job) {
        if (job != null && job.status == JobStatus.RUNNING) {
            return;
        }
        try {
            Files.deleteIfExists(file.path());
            LOG.infof("Removed %s, left by job %s that is no longer running", file.path(), file.jobId());
        } catch (IOException e) {
            LOG.warnf("Could not remove %s: %s", file.path(), e.getMessage());
        }
    }

    private record JobFile(Path path, UUID jobId) {
    }
}
