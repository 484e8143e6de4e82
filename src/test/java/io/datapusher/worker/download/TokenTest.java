package io.datapusher.worker.download;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** docs/hostile-input.md: the CKAN token goes to CKAN's own origin and nowhere else. */
class TokenTest {

    @TempDir
    Path temp;

    private LoopbackServer ckan;
    private LoopbackServer thirdParty;
    private FileDownloader downloader;

    @BeforeEach
    void start() throws IOException {
        ckan = LoopbackServer.start();
        thirdParty = LoopbackServer.start();
        ckan.text("/upload.csv", "a\n1\n").redirect("/to-storage.csv", thirdParty.url("/stored.csv"));
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
    void ckansOwnFilesAreFetchedWithTheToken() throws Exception {
        downloader.download(ckan.url("/upload.csv"), "token");
        assertEquals(Downloaders.TOKEN, ckan.seen().get(0).authorization());
    }

    @Test
    void aThirdPartyUrlNeverSeesTheToken() throws Exception {
        downloader.download(thirdParty.url("/stored.csv"), "token");
        assertNull(thirdParty.seen().get(0).authorization());
    }

    @Test
    void aRedirectFromCkanToAnotherOriginDropsTheToken() throws Exception {
        downloader.download(ckan.url("/to-storage.csv"), "token");
        assertEquals(Downloaders.TOKEN, ckan.seen().get(0).authorization());
        assertNull(thirdParty.seen().get(0).authorization());
    }

    @Test
    void aThirdPartyRedirectIntoCkanDoesNotBorrowTheToken() throws Exception {
        // otherwise any outside URL could make the worker read private CKAN files into a public table
        downloader.download(thirdParty.url("/to-ckan.csv"), "token");
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
