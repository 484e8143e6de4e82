package io.datapusher.worker.download;

import io.datapusher.worker.config.CkanConfig;
import io.datapusher.worker.config.IngestConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Streams a resource's file to a temp file, never into memory, computing its md5 on the way.
 *
 * <p>Redirects are followed here, hop by hop, so that the guard checks every hop and the CKAN
 * token is only ever sent to CKAN's own origin. Transient failures are retried a few times; the
 * temp file is removed whenever the download does not succeed.
 */
@ApplicationScoped
public class FileDownloader {

    private static final Logger LOG = Logger.getLogger(FileDownloader.class);
    private static final int MAX_REDIRECTS = 5;
    private static final int ATTEMPTS = 3;
    private static final int BUFFER = 64 * 1024;

    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
    private final DownloadGuard guard;
    private final IngestConfig config;
    private final Optional<String> token;

    public FileDownloader(IngestConfig config, CkanConfig ckan) {
        this.config = config;
        this.guard = new DownloadGuard(ckan.url(), config.downloadAllowPrivateNetworks());
        this.token = ckan.apiToken().filter(t -> !t.isBlank());
    }

    /** Blocking: call it off the event loop. */
    public DownloadedFile download(String url, String filePrefix) throws DownloadException {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new DownloadException("the resource URL is not a valid URL: " + e.getMessage(), false);
        }
        Instant deadline = Instant.now().plus(config.downloadTimeout());
        DownloadException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return fetch(uri, filePrefix, deadline);
            } catch (DownloadException e) {
                if (!e.isTransient() || attempt == ATTEMPTS || Instant.now().isAfter(deadline)) {
                    throw e;
                }
                last = e;
                LOG.warnf("Download attempt %d of %s failed, retrying: %s", attempt, DownloadGuard.redact(uri), e.getMessage());
                sleep(Duration.ofSeconds(attempt));
            }
        }
        throw last;
    }

    private DownloadedFile fetch(URI start, String filePrefix, Instant deadline) throws DownloadException {
        URI uri = start;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            guard.check(uri);
            HttpResponse<InputStream> response = send(uri, deadline);
            int status = response.statusCode();
            if (status >= 300 && status < 400 && response.headers().firstValue("Location").isPresent()) {
                close(response);
                uri = uri.resolve(response.headers().firstValue("Location").get());
                continue;
            }
            if (status >= 400) {
                close(response);
                throw new DownloadException("download of " + DownloadGuard.redact(uri) + " answered HTTP " + status,
                        status >= 500 || status == 408 || status == 429);
            }
            return save(uri, response, filePrefix, deadline);
        }
        throw new DownloadException("download of " + DownloadGuard.redact(start) + " redirected more than "
                + MAX_REDIRECTS + " times", false);
    }

    private HttpResponse<InputStream> send(URI uri, Instant deadline) throws DownloadException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .GET()
                .timeout(remaining(deadline, uri))
                .header("User-Agent", "datapusher-worker");
        if (token.isPresent() && guard.isCkanOrigin(uri)) {
            request.header("Authorization", token.get());
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new DownloadException("download of " + DownloadGuard.redact(uri) + " failed: " + describe(e), true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownloadException("download of " + DownloadGuard.redact(uri) + " was interrupted", false, e);
        }
    }

    private DownloadedFile save(URI uri, HttpResponse<InputStream> response, String filePrefix, Instant deadline)
            throws DownloadException {
        long max = config.downloadMaxBytes();
        long declared = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (declared > max) {
            close(response);
            throw new DownloadException("the file is " + declared + " bytes, more than INGEST_DOWNLOAD_MAX_BYTES ("
                    + max + ")", false);
        }
        Path file = null;
        try {
            file = createTempFile(filePrefix);
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            long size = 0;
            try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(file)) {
                byte[] buffer = new byte[BUFFER];
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    size += n;
                    if (size > max) {
                        throw new DownloadException("the file is larger than INGEST_DOWNLOAD_MAX_BYTES (" + max + ")", false);
                    }
                    if (Instant.now().isAfter(deadline)) {
                        throw new DownloadException("the download took longer than INGEST_DOWNLOAD_TIMEOUT ("
                                + config.downloadTimeout() + ")", false);
                    }
                    md5.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            }
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            return new DownloadedFile(file, HexFormat.of().formatHex(md5.digest()), size, contentType);
        } catch (DownloadException e) {
            delete(file);
            throw e;
        } catch (IOException e) {
            delete(file);
            throw new DownloadException("download of " + DownloadGuard.redact(uri) + " broke off: " + describe(e), true, e);
        } catch (NoSuchAlgorithmException e) {
            delete(file);
            throw new IllegalStateException("this JVM has no MD5", e);
        } catch (RuntimeException e) {
            delete(file);
            throw e;
        }
    }

    private Path createTempFile(String prefix) throws IOException {
        Optional<String> dir = config.tempDir().filter(d -> !d.isBlank());
        return dir.isPresent()
                ? Files.createTempFile(Path.of(dir.get()), prefix, ".download")
                : Files.createTempFile(prefix, ".download");
    }

    private static Duration remaining(Instant deadline, URI uri) throws DownloadException {
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.isNegative() || left.isZero()) {
            throw new DownloadException("the download of " + DownloadGuard.redact(uri)
                    + " ran out of INGEST_DOWNLOAD_TIMEOUT", false);
        }
        return left;
    }

    private static void delete(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warnf("Could not delete temp file %s: %s", file, e.getMessage());
            }
        }
    }

    private static void close(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // the connection is being abandoned anyway
        }
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void sleep(Duration duration) throws DownloadException {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownloadException("the download was interrupted", false, e);
        }
    }
}
