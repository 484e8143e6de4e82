package io.datapusher.worker.download;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/hostile-input.md: the CKAN token goes with the first request for a resource's own uploaded
 * file on CKAN's origin, and with nothing else.
 */
class TokenTest {

    private static final boolean OWN_UPLOAD = true;
    private static final boolean ANY_OTHER_URL = false;

    @TempDir
    Path temp;

    private LoopbackServer ckan;
    private LoopbackServer thirdParty;
    private FileDownloader downloader;

    @BeforeEach
    void start() throws IOException {
        ckan = LoopbackServer.start();
        thirdParty = LoopbackServer.start();
        ckan.text("/upload.csv", "a\n1\n")
                .redirect("/to-storage.csv", thirdParty.url("/stored.csv"))
                .redirect("/to-private.csv", ckan.url("/private.csv"))
                .handle("/private.csv", exchange -> LoopbackServer.send(exchange,
                        exchange.getRequestHeaders().getFirst("Authorization") == null ? 403 : 200, "secret\n1\n"));
        thirdParty.text("/stored.csv", "a\n1\n").redirect("/to-ckan.csv", ckan.url("/upload.csv"));
        // both servers are on loopback: private networks allowed, so only the origin rule decides
        downloader = Downloaders.with(Downloaders.limits(temp), ckan.url(""), true, InetAddress::getAllByName,
                InternalAddresses::isInternal);
    }

    @AfterEach
    void stop() {
        ckan.close();
        thirdParty.close();
    }

    @Test
    void aResourcesOwnUploadIsFetchedWithTheToken() throws Exception {
        downloader.download(ckan.url("/upload.csv"), "token", OWN_UPLOAD);
        assertEquals(Downloaders.TOKEN, ckan.seen().get(0).authorization());
    }

    @Test
    void anyOtherUrlOnCkansOriginIsFetchedAnonymously() throws Exception {
        // a link resource to another dataset's upload or to /datastore/dump/<id> must not borrow the token
        downloader.download(ckan.url("/upload.csv"), "token", ANY_OTHER_URL);
        assertNull(ckan.seen().get(0).authorization());
    }

    @Test
    void aPrivateFileBehindALinkEndsWithAnErrorThatSaysItIsNotPublic() {
        DownloadException e = assertThrows(DownloadException.class,
                () -> downloader.download(ckan.url("/private.csv"), "token", ANY_OTHER_URL));

        assertNull(ckan.seen().get(0).authorization());
        assertTrue(e.getMessage().contains("HTTP 403") && e.getMessage().contains("not public"), e.getMessage());
        assertFalse(e.isTransient());
    }

    @Test
    void aThirdPartyUrlNeverSeesTheTokenEvenWhenCalledAnUpload() throws Exception {
        downloader.download(thirdParty.url("/stored.csv"), "token", OWN_UPLOAD);
        assertNull(thirdParty.seen().get(0).authorization());
    }

    @Test
    void aRedirectFromCkanToAnotherOriginDropsTheToken() throws Exception {
        downloader.download(ckan.url("/to-storage.csv"), "token", OWN_UPLOAD);
        assertEquals(Downloaders.TOKEN, ckan.seen().get(0).authorization());
        assertNull(thirdParty.seen().get(0).authorization());
    }

    @Test
    void aRedirectWithinCkanDropsTheTokenToo() {
        // the token opened /to-private.csv; wherever it points next is another URL, fetched anonymously
        assertThrows(DownloadException.class, () -> downloader.download(ckan.url("/to-private.csv"), "token", OWN_UPLOAD));

        assertEquals(Downloaders.TOKEN, ckan.seen().get(0).authorization());
        assertEquals("/private.csv", ckan.seen().get(1).path());
        assertNull(ckan.seen().get(1).authorization());
    }

    @Test
    void aThirdPartyRedirectIntoCkanDoesNotBorrowTheToken() throws Exception {
        // otherwise any outside URL could make the worker read private CKAN files into a public table
        downloader.download(thirdParty.url("/to-ckan.csv"), "token", OWN_UPLOAD);
        assertNull(thirdParty.seen().get(0).authorization());
        assertNull(ckan.seen().get(0).authorization());
    }

    @Test
    void theHostHeaderIsTheUrlsHostNotTheDialledAddress() throws Exception {
        LoopbackServer named = LoopbackServer.start().text("/f.csv", "a\n");
        try {
            FileDownloader byName = Downloaders.with(Downloaders.limits(temp), ckan.url(""), true,
                    host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")}, InternalAddresses::isInternal);
            byName.download("http://files.example.org:" + named.port() + "/f.csv", "host");
            assertEquals("files.example.org:" + named.port(), named.seen().get(0).host());
        } finally {
            named.close();
        }
    }
}
