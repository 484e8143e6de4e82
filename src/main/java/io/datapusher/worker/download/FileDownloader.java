package io.datapusher.worker.download;

import io.datapusher.worker.Backoff;
import io.datapusher.worker.config.CkanConfig;
import io.datapusher.worker.config.IngestConfig;
import io.datapusher.worker.progress.JobProgress;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.net.URIAuthority;
import org.apache.hc.core5.util.Timeout;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;

/**
 * Streams a resource's file to a temp file, never into memory, computing its md5 on the way.
 *
 * <p>Apache HttpClient 5 does the HTTP; it never resolves a name itself. Each hop is approved by
 * the {@link DownloadGuard}, which resolves the host once and checks every address, and the request
 * is sent to one of exactly those addresses (the Host header and TLS SNI still carry the name), so
 * the address checked is the address dialled and DNS rebinding gains nothing. Redirects are
 * followed here, hop by hop, for the same reason.
 *
 * <p>The CKAN token (a sysadmin's) goes with one request only: the first, when the caller vouches
 * that the URL is the resource's own uploaded file and the URL is on CKAN's exact origin. It never
 * follows a redirect, not even to CKAN itself, and any other URL is fetched anonymously even on
 * CKAN's origin: otherwise an editor's link resource could read a private dataset's file or
 * DataStore dump into a public table.
 *
 * <p>Limits: {@code INGEST_DOWNLOAD_MAX_BYTES} on Content-Length, on the bytes received and on the
 * bytes after gzip decoding; an idle timeout per connect and per read; a total deadline, enforced by
 * aborting the request when it passes, so a slow drip cannot hold a job. The md5 is of the decoded
 * bytes, i.e. the file as stored at its origin and as written to disk: gzip
 * {@code Content-Encoding} is transport, not content. Transient failures are retried within the
 * deadline; the temp file is removed whenever the download does not succeed.
 */
@ApplicationScoped
public class FileDownloader {

    private static final Logger LOG = Logger.getLogger(FileDownloader.class);
    private static final int MAX_REDIRECTS = 5;
    private static final int ATTEMPTS = 3;
    private static final int BUFFER = 64 * 1024;

    /** Names are resolved by the guard only; if HttpClient ever tried to, that would be a bug. */
    private static final DnsResolver NO_DNS = new DnsResolver() {
        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            throw new UnknownHostException("the downloader only dials addresses approved by the guard: " + host);
        }

        @Override
        public String resolveCanonicalHostname(String host) throws UnknownHostException {
            throw new UnknownHostException("the downloader only dials addresses approved by the guard: " + host);
        }
    };

    private final DownloadLimits limits;
    private final DownloadGuard guard;
    private final Optional<String> token;
    private final CloseableHttpClient http;
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "download-deadlines");
        thread.setDaemon(true);
        return thread;
    });

    @Inject
    public FileDownloader(IngestConfig config, CkanConfig ckan) {
        this(new DownloadLimits(config.download().maxBytes(), config.download().timeout(), config.download().idleTimeout(),
                        Duration.ofSeconds(1), config.temp().dir().filter(d -> !d.isBlank()).map(Path::of)),
                new DownloadGuard(ckan.url(), config.download().allowPrivateNetworks()),
                ckan.apiToken());
    }

    public FileDownloader(DownloadLimits limits, DownloadGuard guard, Optional<String> token) {
        this.limits = limits;
        this.guard = guard;
        this.token = token.filter(t -> !t.isBlank());
        Timeout idle = Timeout.of(limits.idleTimeout());
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(NO_DNS)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(idle)
                                .setSocketTimeout(idle)
                                .build())
                        .setMaxConnTotal(64)
                        .setMaxConnPerRoute(16)
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(idle).build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()   // decoded here, so the cap applies to decompressed bytes
                .disableDefaultUserAgent()
                .build();
    }

    @PreDestroy
    void close() {
        deadlines.shutdownNow();
        try {
            http.close();
        } catch (IOException e) {
            LOG.debugf("Closing the download client: %s", e.getMessage());
        }
    }

    /** Fetches anonymously. Blocking: call it off the event loop. */
    public DownloadedFile download(String url, String filePrefix) throws DownloadException {
        return download(url, filePrefix, false);
    }

    /**
     * @param ownUpload whether the URL is the resource's own uploaded file on CKAN
     *                  ({@code CkanResource.isOwnUpload}), the only URL the CKAN token may go to
     */
    public DownloadedFile download(String url, String filePrefix, boolean ownUpload) throws DownloadException {
        return download(url, filePrefix, ownUpload, JobProgress.untracked());
    }

    /** @param progress gets the bytes received so far, and the file's size when the server says it */
    public DownloadedFile download(String url, String filePrefix, boolean ownUpload, JobProgress progress)
            throws DownloadException {
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new DownloadException("the resource URL is not a valid URL: " + e.getMessage(), false);
        }
        Instant deadline = Instant.now().plus(limits.timeout());
        // the deadline, not the backoff, bounds the waits
        Backoff backoff = new Backoff(limits.retryDelay(), Collections.max(List.of(limits.retryDelay(), limits.timeout())));
        for (int attempt = 1; ; attempt++) {
            try {
                return fetch(uri, filePrefix, ownUpload, deadline, progress);
            } catch (DownloadException e) {
                Duration delay = backoff.after(attempt);
                Duration left = Duration.between(Instant.now(), deadline);
                if (!e.isTransient() || attempt == ATTEMPTS || left.compareTo(delay) <= 0) {
                    throw e;
                }
                LOG.warnf("Download attempt %d of %s failed, retrying: %s", attempt, DownloadGuard.redact(uri), e.getMessage());
                sleep(delay);
            }
        }
    }

    private DownloadedFile fetch(URI start, String filePrefix, boolean ownUpload, Instant deadline,
                                 JobProgress progress) throws DownloadException {
        URI uri = start;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            DownloadTarget target = guard.check(uri);
            boolean withToken = hop == 0 && ownUpload && target.ckanOrigin() && token.isPresent();
            Exchange exchange = open(target, withToken, deadline);
            try {
                int status = exchange.response.getCode();
                Header location = exchange.response.getFirstHeader("Location");
                if (status >= 300 && status < 400 && location != null) {
                    uri = redirect(uri, location.getValue());
                    continue;
                }
                if ((status == 401 || status == 403) && !withToken) {
                    throw new DownloadException("download of " + DownloadGuard.redact(uri) + " answered HTTP " + status
                            + ": the file is not public. The worker sends its CKAN token only to fetch a resource's"
                            + " own uploaded file, so a link must point at a file anyone may download", false);
                }
                if (status >= 400 || status < 200) {
                    throw new DownloadException("download of " + DownloadGuard.redact(uri) + " answered HTTP " + status,
                            status >= 500 || status == 408 || status == 429);
                }
                return save(target, exchange, filePrefix, progress);
            } finally {
                exchange.close();
            }
        }
        throw new DownloadException("download of " + DownloadGuard.redact(start) + " redirected more than "
                + MAX_REDIRECTS + " times", false);
    }

    private static URI redirect(URI from, String location) throws DownloadException {
        try {
            return from.resolve(location.trim());
        } catch (IllegalArgumentException e) {
            throw new DownloadException("download of " + DownloadGuard.redact(from)
                    + " redirected to an invalid URL", false);
        }
    }

    /** Sends the request to the approved addresses in turn, until one accepts the connection. */
    private Exchange open(DownloadTarget target, boolean sendToken, Instant deadline) throws DownloadException {
        IOException lastConnectFailure = null;
        for (InetAddress address : target.addresses()) {
            HttpGet get = new HttpGet(target.pathAndQuery());
            get.setScheme(target.scheme());
            get.setAuthority(new URIAuthority(target.host(), target.port()));
            get.setHeader("Host", target.hostHeader());
            get.setHeader("User-Agent", "datapusher-worker");
            get.setHeader("Accept-Encoding", "gzip");
            if (sendToken) {
                get.setHeader("Authorization", token.get());
            }
            Exchange exchange = new Exchange(get, deadline);
            try {
                exchange.response = http.executeOpen(new HttpHost(target.scheme(), address, target.host(), target.port()),
                        get, null);
                return exchange;
            } catch (ConnectException | NoRouteToHostException e) {
                exchange.close();
                lastConnectFailure = e;
            } catch (IOException e) {
                exchange.close();
                throw exchange.failure(target.uri(), e);
            }
        }
        throw new DownloadException("download of " + DownloadGuard.redact(target.uri()) + " failed: "
                + describe(lastConnectFailure), true, lastConnectFailure);
    }

    private DownloadedFile save(DownloadTarget target, Exchange exchange, String filePrefix, JobProgress progress)
            throws DownloadException {
        long max = limits.maxBytes();
        HttpEntity entity = exchange.response.getEntity();
        Header lengthHeader = exchange.response.getFirstHeader("Content-Length");
        long declared = entity != null ? entity.getContentLength() : -1;
        if (declared < 0 && lengthHeader != null) {
            declared = parseLength(lengthHeader.getValue());
        }
        if (declared > max) {
            throw new DownloadException("the file is " + declared + " bytes, more than INGEST_DOWNLOAD_MAX_BYTES ("
                    + max + ")", false);
        }
        boolean gzip = isGzip(target, exchange.response.getFirstHeader("Content-Encoding"));
        // a gzip-encoded body's length is not the file's
        progress.bytesTotal(gzip ? -1 : declared);
        progress.bytes(0);
        Path file = null;
        boolean saved = false;
        try {
            file = createTempFile(filePrefix);
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            long size = 0;
            if (entity != null) {
                InputStream received = new CappedInputStream(entity.getContent(), max, "the server sent");
                InputStream decoded = gzip
                        ? new CappedInputStream(new GZIPInputStream(received, BUFFER), max, "the gzip-encoded file decompresses to")
                        : received;
                try (InputStream in = new DigestInputStream(decoded, md5); OutputStream out = Files.newOutputStream(file)) {
                    byte[] buffer = new byte[BUFFER];
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        exchange.checkDeadline();
                        out.write(buffer, 0, n);
                        size += n;
                        progress.bytes(size);
                    }
                }
            }
            String contentType = Optional.ofNullable(exchange.response.getFirstHeader("Content-Type"))
                    .map(Header::getValue).orElse("");
            progress.bytesTotal(size);
            DownloadedFile downloaded = new DownloadedFile(file, HexFormat.of().formatHex(md5.digest()), size, contentType);
            saved = true;
            return downloaded;
        } catch (IOException e) {
            throw exchange.failure(target.uri(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no MD5", e);
        } finally {
            // whatever ends the download early, the deadline's own exception included
            if (!saved) {
                delete(file);
            }
        }
    }

    /** Only gzip was asked for; anything else would be bytes the worker cannot read. */
    private static boolean isGzip(DownloadTarget target, Header contentEncoding) throws DownloadException {
        String encoding = contentEncoding == null ? "" : contentEncoding.getValue().trim().toLowerCase(Locale.ROOT);
        if (encoding.isEmpty() || encoding.equals("identity")) {
            return false;
        }
        if (encoding.equals("gzip") || encoding.equals("x-gzip")) {
            return true;
        }
        throw new DownloadException("download of " + DownloadGuard.redact(target.uri())
                + " came with Content-Encoding " + encoding + ", which the worker did not ask for", false);
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private Path createTempFile(String prefix) throws IOException {
        return limits.tempDir().isPresent()
                ? Files.createTempFile(limits.tempDir().get(), prefix, ".download")
                : Files.createTempFile(prefix, ".download");
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

    private static String describe(IOException e) {
        if (e == null) {
            return "no address to connect to";
        }
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

    /**
     * One request and its response, with the total deadline armed: when it passes, the request is
     * aborted, which breaks any read in progress however slowly bytes arrive.
     */
    private final class Exchange implements AutoCloseable {
        private final HttpGet request;
        private final AtomicBoolean timedOut = new AtomicBoolean();
        private final ScheduledFuture<?> alarm;
        private ClassicHttpResponse response;

        Exchange(HttpGet request, Instant deadline) throws DownloadException {
            this.request = request;
            long left = Duration.between(Instant.now(), deadline).toMillis();
            if (left <= 0) {
                throw timeout();
            }
            this.alarm = deadlines.schedule(() -> {
                timedOut.set(true);
                request.cancel();
            }, left, TimeUnit.MILLISECONDS);
        }

        void checkDeadline() throws DownloadException {
            if (timedOut.get()) {
                throw timeout();
            }
        }

        DownloadException failure(URI uri, IOException e) {
            if (timedOut.get()) {
                return timeout();
            }
            if (e instanceof CappedInputStream.CapExceeded) {
                return new DownloadException("the file is too large: " + e.getMessage(), false, e);
            }
            if (e instanceof SocketTimeoutException) {
                return new DownloadException("download of " + DownloadGuard.redact(uri) + " stalled: nothing arrived for "
                        + "INGEST_DOWNLOAD_IDLE_TIMEOUT (" + limits.idleTimeout() + ")", true, e);
            }
            if (e instanceof InterruptedIOException && Thread.currentThread().isInterrupted()) {
                return new DownloadException("download of " + DownloadGuard.redact(uri) + " was interrupted", false, e);
            }
            if (e instanceof java.util.zip.ZipException) {
                return new DownloadException("download of " + DownloadGuard.redact(uri)
                        + " claimed gzip Content-Encoding but is not valid gzip: " + describe(e), false, e);
            }
            return new DownloadException("download of " + DownloadGuard.redact(uri) + " broke off: " + describe(e), true, e);
        }

        private DownloadException timeout() {
            return new DownloadException("the download took longer than INGEST_DOWNLOAD_TIMEOUT ("
                    + limits.timeout() + ")", false);
        }

        /**
         * Aborts rather than drains: closing an unread body would read it to the end to reuse the
         * connection, which is exactly what a bomb or a drip wants. A body read to its end has
         * already returned its connection to the pool, so this costs nothing then.
         */
        @Override
        public void close() {
            alarm.cancel(false);
            request.cancel();
            if (response != null) {
                try {
                    response.close();
                } catch (IOException ignored) {
                    // the connection is being abandoned anyway
                }
            }
        }
    }
}
