package io.datapusher.worker.saga;

import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Removes a job's temp files, whatever way the job ended. */
final class TempFiles {

    private static final Logger LOG = Logger.getLogger(TempFiles.class);

    private TempFiles() {
    }

    static void deleteWithPrefix(String prefix, Optional<String> configuredDir) {
        Path dir = Path.of(configuredDir.filter(d -> !d.isBlank()).orElse(System.getProperty("java.io.tmpdir")));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*")) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.warnf("Could not remove temp files %s* in %s: %s", prefix, dir, e.getMessage());
        }
    }
}
