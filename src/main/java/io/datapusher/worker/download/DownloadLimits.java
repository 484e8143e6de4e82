package io.datapusher.worker.download;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The hard limits of one download.
 *
 * @param maxBytes    cap on the file: on Content-Length, on the bytes received and on the bytes
 *                    after gzip decoding, whichever is hit first
 * @param timeout     total time, retries included; a slow drip is cut off here
 * @param idleTimeout longest silence (connect, or between two reads)
 * @param retryDelay  wait before the first retry of a transient failure; doubled after that
 * @param tempDir     where the file is written; the system temp dir when empty
 */
public record DownloadLimits(long maxBytes, Duration timeout, Duration idleTimeout, Duration retryDelay,
                             Optional<Path> tempDir) {
}
