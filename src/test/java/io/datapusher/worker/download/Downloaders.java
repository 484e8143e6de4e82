package io.datapusher.worker.download;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;

/** Downloaders for tests: small limits, fast retries, files in a test's temp dir. */
final class Downloaders {

    static final String TOKEN = "secret-ckan-token";

    private Downloaders() {
    }

    static DownloadLimits limits(Path tempDir) {
        return new DownloadLimits(1024 * 1024, Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMillis(10),
                Optional.of(tempDir));
    }

    static FileDownloader strict(String ckanUrl, Path tempDir) {
        return new FileDownloader(limits(tempDir), new DownloadGuard(ckanUrl, false), Optional.of(TOKEN));
    }

    static FileDownloader with(DownloadLimits limits, String ckanUrl, boolean allowPrivate, HostResolver resolver,
                               Predicate<InetAddress> forbidden) {
        return new FileDownloader(limits, new DownloadGuard(ckanUrl, allowPrivate, resolver, forbidden), Optional.of(TOKEN));
    }
}
