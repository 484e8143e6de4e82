package io.datapusher.worker.download;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every SSRF vector that docs/hostile-input.md guards against, tried on a canary on loopback: each
 * URL must be refused and the canary must see no connection at all. Nothing here sends a packet off the machine:
 * vectors that name non-loopback addresses are only given to the guard, which never dials.
 */
class SsrfTest {

    @TempDir
    Path temp;

    private Canary canary;
    private LoopbackServer ckan;
    private FileDownloader downloader;

    /** Resolves the test's own names; "evil.test" is a public-looking name that points at loopback. */
    private static final HostResolver RESOLVER = host -> switch (host.toLowerCase().replaceAll("\\.$", "")) {
        case "evil.test" -> new InetAddress[] {InetAddress.getByName("127.0.0.1")};
        case "localhost" -> InetAddress.getAllByName("localhost");
        default -> throw new UnknownHostException(host);
    };

    @BeforeEach
    void start() throws IOException {
        canary = Canary.onLoopback();
        ckan = LoopbackServer.start().text("/ok.csv", "a,b\n1,2\n");
        downloader = Downloaders.with(Downloaders.limits(temp), ckan.url("/"), false, RESOLVER, InternalAddresses::isInternal);
    }

    @AfterEach
    void stop() throws IOException {
        canary.close();
        ckan.close();
    }

    private String refusal(String url) {
        return assertThrows(DownloadException.class, () -> downloader.download(url, "ssrf")).getMessage();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://127.0.0.1:PORT/f.csv",
        "http://localhost:PORT/f.csv",
        "http://LocalHost.:PORT/f.csv",
        "http://127.1:PORT/f.csv",
        "http://127.0.1:PORT/f.csv",
        "http://2130706433:PORT/f.csv",
        "http://0x7f000001:PORT/f.csv",
        "http://0x7f.0.0.1:PORT/f.csv",
        "http://017700000001:PORT/f.csv",
        "http://0177.0.0.01:PORT/f.csv",
        "http://127.0.0.1.:PORT/f.csv",
        "http://[::1]:PORT/f.csv",
        "http://[::ffff:127.0.0.1]:PORT/f.csv",
        "http://[::ffff:7f00:1]:PORT/f.csv",
        "http://[::127.0.0.1]:PORT/f.csv",
        "http://[0:0:0:0:0:ffff:127.0.0.1]:PORT/f.csv",
        "http://0.0.0.0:PORT/f.csv",
        "http://0:PORT/f.csv",
        "http://user:pass@127.0.0.1:PORT/f.csv",
        "http://evil.test:PORT/f.csv",
        "https://127.0.0.1:PORT/f.csv",
    })
    void aLoopbackTargetInAnyNotationIsRefusedBeforeAnyConnection(String template) throws Exception {
        String url = template.replace("PORT", String.valueOf(canary.port()));
        String message = refusal(url);
        assertTrue(message.startsWith("refusing to download"), message);
        assertEquals(0, canary.connections(), url);
    }

    @Test
    void theCanaryDoesCountConnectionsWhenPrivateNetworksAreAllowed() throws Exception {
        FileDownloader open = Downloaders.with(Downloaders.limits(temp), ckan.url("/"), true, RESOLVER,
                InternalAddresses::isInternal);
        assertThrows(DownloadException.class, () -> open.download("http://0x7f000001:" + canary.port() + "/f.csv", "ssrf"));
        assertTrue(canary.connections() >= 1, "the positive control: an allowed URL does reach the canary");
    }

    @ParameterizedTest
    @ValueSource(strings = {"file:///etc/passwd", "ftp://127.0.0.1:PORT/f.csv", "gopher://127.0.0.1:PORT/_x",
        "jar:http://127.0.0.1:PORT/f.jar!/x", "dict://127.0.0.1:PORT/", "//127.0.0.1:PORT/f.csv"})
    void onlyHttpAndHttpsAreFetched(String template) throws Exception {
        String url = template.replace("PORT", String.valueOf(canary.port()));
        assertTrue(refusal(url).contains("only http and https"), url);
        assertEquals(0, canary.connections());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:PORT/f.csv", "http://2130706433:PORT/f.csv", "http://[::ffff:127.0.0.1]:PORT/",
        "http://evil.test:PORT/f.csv"})
    void aRedirectToAnInternalAddressIsRefusedAtThatHop(String template) throws Exception {
        String target = template.replace("PORT", String.valueOf(canary.port()));
        ckan.redirect("/moved.csv", target);
        String message = refusal(ckan.url("/moved.csv"));
        assertTrue(message.contains("internal address"), message);
        assertEquals(0, canary.connections());
    }

    @Test
    void aRedirectLoopEndsAfterFiveHops() {
        ckan.redirect("/loop.csv", "/loop.csv");
        assertTrue(refusal(ckan.url("/loop.csv")).contains("redirected more than 5 times"));
    }

    @Test
    void ckansOwnOriginIsFetchedEvenOnLoopback() throws Exception {
        DownloadedFile file = downloader.download(ckan.url("/ok.csv"), "ssrf");
        assertEquals("a,b\n1,2\n", Files.readString(file.path()));
    }

    @Test
    void anotherSpellingOfCkansHostIsNotCkansOrigin() throws Exception {
        String message = refusal("http://localhost:" + ckan.port() + "/ok.csv");
        assertTrue(message.contains("internal address"), message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://10.0.0.1/", "http://172.16.0.1/", "http://192.168.1.1/", "http://169.254.169.254/latest/",
        "http://0xa9fea9fe/", "http://2852039166/", "http://100.64.0.1/", "http://[fd00::1]/", "http://[fe80::1]/",
        "http://[fec0::1]/", "http://224.0.0.1/", "http://255.255.255.255/", "http://[::ffff:169.254.169.254]/",
        "http://[::ffff:a9fe:a9fe]/", "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:a9fe:a9fe::1]/", "http://[::]/",
        "http://[ff02::1]/"})
    void privateLinkLocalAndSpecialAddressesAreRefusedByTheGuard(String url) {
        // the guard alone: it never dials, so these addresses receive nothing even if it were wrong
        DownloadGuard guard = new DownloadGuard("http://ckan.example.org", false, RESOLVER, InternalAddresses::isInternal);
        DownloadException e = assertThrows(DownloadException.class, () -> guard.check(URI.create(url)));
        assertTrue(e.getMessage().contains("internal address"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://1.2.3.4.5/", "http://256.0.0.1/", "http://0x100000000/", "http://[::1%25eth0]/",
        "http://08.0.0.1/", "http://127.0.0.1%2f/", "http:///f.csv"})
    void hostsThatAreNeitherANameNorAValidAddressAreRefused(String url) {
        DownloadGuard guard = new DownloadGuard("http://ckan.example.org", false, RESOLVER, InternalAddresses::isInternal);
        DownloadException e = assertThrows(DownloadException.class, () -> guard.check(URI.create(url)));
        assertTrue(e.getMessage().startsWith("refusing to download"), e.getMessage());
    }

    @Test
    void publicAddressesPassTheGuardAndTravelWithTheTarget() throws Exception {
        DownloadGuard guard = new DownloadGuard("http://ckan.example.org", false, RESOLVER, InternalAddresses::isInternal);
        DownloadTarget target = guard.check(URI.create("https://93.184.216.34/f.csv?x=1#frag"));
        assertEquals(InetAddress.getByName("93.184.216.34"), target.addresses().get(0));
        assertEquals("/f.csv?x=1", target.pathAndQuery());
        assertEquals(443, target.port());
        assertFalse(InternalAddresses.isInternal(InetAddress.getByName("2606:4700::1111")));
    }
}
