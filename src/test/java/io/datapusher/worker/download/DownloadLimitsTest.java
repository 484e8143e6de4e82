package io.datapusher.worker.download;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/hostile-input.md, the limits: every hard limit of a download, and that the worker survives each. */
class DownloadLimitsTest {

    private static final long CAP = 1024 * 1024;

    @TempDir
    Path temp;

    private FileDownloader downloader(Duration total, Duration idle) {
        return new FileDownloader(new DownloadLimits(CAP, total, idle, Duration.ofMillis(10), Optional.of(temp)),
                new DownloadGuard("http://127.0.0.1:1", true), Optional.empty());
    }

    private FileDownloader downloader() {
        return downloader(Duration.ofSeconds(10), Duration.ofSeconds(5));
    }

    private DownloadException failure(FileDownloader downloader, String url) {
        return assertThrows(DownloadException.class, () -> downloader.download(url, "limits"));
    }

    private void assertNoTempFileLeft() throws IOException {
        try (var files = Files.list(temp)) {
            assertEquals(0, files.count(), "the temp file of a failed download is removed");
        }
    }

    @Test
    void aContentLengthOverTheCapIsRefusedWithoutReadingTheBody() throws Exception {
        try (RawServer server = new RawServer((out, written) -> {
            RawServer.head(out, "Content-Length: 5000000000");
            for (int i = 0; i < 1000; i++) {
                out.write(new byte[64 * 1024]);
                written.addAndGet(64 * 1024);
            }
        })) {
            long start = System.nanoTime();
            DownloadException e = failure(downloader(), server.url("/big.csv"));
            assertTrue(e.getMessage().contains("5000000000 bytes, more than INGEST_DOWNLOAD_MAX_BYTES"), e.getMessage());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos());
            assertTrue(server.bodyBytesWritten() < 8 * 1024 * 1024, "the body was not drained");
            assertNoTempFileLeft();
        }
    }

    @Test
    void aBodyWithoutLengthIsCutAtTheCap() throws Exception {
        try (LoopbackServer server = LoopbackServer.start().handle("/endless.csv", exchange -> {
            exchange.sendResponseHeaders(200, 0); // chunked, no length
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 64; i++) {
                    out.write(new byte[64 * 1024]);
                }
            }
        })) {
            DownloadException e = failure(downloader(), server.url("/endless.csv"));
            assertTrue(e.getMessage().contains("the server sent more than INGEST_DOWNLOAD_MAX_BYTES"), e.getMessage());
            assertNoTempFileLeft();
        }
    }

    @Test
    void aGzipBombIsCutAtTheCapOnDecompressedBytes() throws Exception {
        // a gigabyte of zeros, compressed on the fly: about 1 MB on the wire, never held anywhere
        try (LoopbackServer server = LoopbackServer.start().handle("/bomb.csv", exchange -> {
            exchange.getResponseHeaders().add("Content-Encoding", "gzip");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = new GZIPOutputStream(exchange.getResponseBody(), 64 * 1024)) {
                byte[] zeros = new byte[64 * 1024];
                for (int i = 0; i < 16 * 1024; i++) {
                    out.write(zeros);
                }
            }
        })) {
            DownloadException e = failure(downloader(), server.url("/bomb.csv"));
            assertTrue(e.getMessage().contains("decompresses to more than INGEST_DOWNLOAD_MAX_BYTES"), e.getMessage());
            assertNoTempFileLeft();
        }
    }

    @Test
    void gzipTransferEncodingIsDecodedAndTheMd5IsOfTheFileItself() throws Exception {
        String csv = "a,b\n1,2\n";
        try (LoopbackServer server = LoopbackServer.start().handle("/small.csv", exchange -> {
            exchange.getResponseHeaders().add("Content-Encoding", "gzip");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = new GZIPOutputStream(exchange.getResponseBody())) {
                out.write(csv.getBytes(StandardCharsets.UTF_8));
            }
        })) {
            DownloadedFile file = downloader().download(server.url("/small.csv"), "gzip");
            assertEquals(csv, Files.readString(file.path()));
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(csv.getBytes(StandardCharsets.UTF_8))),
                    file.md5());
            assertEquals(csv.length(), file.size());
            assertEquals("gzip", server.seen().get(0).acceptEncoding());
        }
    }

    @Test
    void aBodyThatIsNotTheGzipItClaimsIsAClearError() throws Exception {
        try (RawServer server = new RawServer((out, written) -> {
            RawServer.head(out, "Content-Encoding: gzip", "Content-Length: 9");
            out.write("not gzip!".getBytes(StandardCharsets.US_ASCII));
        })) {
            DownloadException e = failure(downloader(), server.url("/liar.csv"));
            assertTrue(e.getMessage().contains("not valid gzip"), e.getMessage());
            assertNoTempFileLeft();
        }
    }

    @Test
    void anEncodingThatWasNotAskedForIsRefused() throws Exception {
        try (RawServer server = new RawServer((out, written) -> {
            RawServer.head(out, "Content-Encoding: br", "Content-Length: 3");
            out.write(new byte[3]);
        })) {
            assertTrue(failure(downloader(), server.url("/br.csv")).getMessage().contains("Content-Encoding br"));
        }
    }

    @Test
    void aServerThatGoesSilentFailsAtTheIdleTimeout() throws Exception {
        try (RawServer server = new RawServer((out, written) -> {
            RawServer.head(out, "Content-Length: 100");
            out.write(new byte[10]);
            out.flush();
            Thread.sleep(30_000);
        })) {
            long start = System.nanoTime();
            DownloadException e = failure(downloader(Duration.ofSeconds(20), Duration.ofMillis(300)), server.url("/stall.csv"));
            assertTrue(e.getMessage().contains("INGEST_DOWNLOAD_IDLE_TIMEOUT"), e.getMessage());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "three short tries, not 20 s");
            assertNoTempFileLeft();
        }
    }

    @Test
    void aSlowDripIsCutAtTheTotalTimeout() throws Exception {
        try (RawServer server = new RawServer((out, written) -> {
            RawServer.head(out, "Content-Length: 1000000");
            while (true) {
                out.write('x');
                out.flush();
                written.incrementAndGet();
                Thread.sleep(20);
            }
        })) {
            long start = System.nanoTime();
            DownloadException e = failure(downloader(Duration.ofSeconds(1), Duration.ofSeconds(5)), server.url("/drip.csv"));
            long elapsed = System.nanoTime() - start;
            assertTrue(e.getMessage().contains("longer than INGEST_DOWNLOAD_TIMEOUT"), e.getMessage());
            assertTrue(elapsed >= Duration.ofMillis(900).toNanos() && elapsed < Duration.ofSeconds(3).toNanos(),
                    "cut at the deadline, took " + Duration.ofNanos(elapsed));
            assertNoTempFileLeft();
        }
    }

    @Test
    void aServerThatNeverAnswersIsCutAtTheTotalTimeoutEvenWithALongIdleTimeout() throws Exception {
        try (RawServer server = new RawServer((out, written) -> Thread.sleep(30_000))) {
            long start = System.nanoTime();
            DownloadException e = failure(downloader(Duration.ofSeconds(1), Duration.ofSeconds(30)), server.url("/mute.csv"));
            assertTrue(e.getMessage().contains("longer than INGEST_DOWNLOAD_TIMEOUT"), e.getMessage());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(3).toNanos());
        }
    }

    @Test
    void theDownloaderStaysHealthyAfterEveryLimit() throws Exception {
        FileDownloader downloader = downloader(Duration.ofMillis(500), Duration.ofSeconds(5));
        try (RawServer drip = new RawServer((out, written) -> {
                RawServer.head(out, "Content-Length: 1000000");
                while (true) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(50);
                }
            });
             LoopbackServer server = LoopbackServer.start()
                     .text("/good.csv", "a\n1\n")
                     .handle("/endless.csv", exchange -> {
                         exchange.sendResponseHeaders(200, 0);
                         try (OutputStream out = exchange.getResponseBody()) {
                             for (int i = 0; i < 64; i++) {
                                 out.write(new byte[64 * 1024]);
                             }
                         }
                     })) {
            // more failures than the pool has connections per route: a leak would starve the next download
            for (int i = 0; i < 20; i++) {
                failure(downloader, server.url("/endless.csv"));
            }
            for (int i = 0; i < 3; i++) {
                failure(downloader, drip.url("/drip.csv"));
            }
            DownloadedFile file = downloader.download(server.url("/good.csv"), "healthy");
            assertEquals("a\n1\n", Files.readString(file.path()));
        }
    }
}
