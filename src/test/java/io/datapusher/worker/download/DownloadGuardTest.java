package io.datapusher.worker.download;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DownloadGuardTest {

    private final DownloadGuard guard = new DownloadGuard("http://127.0.0.1:5000", false);

    private String refusal(String url) {
        return assertThrows(DownloadException.class, () -> guard.check(URI.create(url))).getMessage();
    }

    @Test
    void ckansOwnOriginIsAllowedEvenOnLoopback() {
        assertDoesNotThrow(() -> guard.check(URI.create("http://127.0.0.1:5000/dataset/x/resource/y/download/f.csv")));
    }

    @Test
    void anotherPortOrSchemeOnTheSameHostIsNotCkansOrigin() {
        assertTrue(refusal("http://127.0.0.1:5001/f.csv").contains("internal address"));
        assertTrue(refusal("https://127.0.0.1:5000/f.csv").contains("internal address"));
        assertTrue(refusal("http://localhost:5000/f.csv").contains("internal address"));
    }

    @Test
    void onlyHttpAndHttpsAreAllowed() {
        assertTrue(refusal("file:///etc/passwd").contains("only http and https"));
        assertTrue(refusal("ftp://example.org/f.csv").contains("only http and https"));
    }

    @Test
    void privateAndInternalAddressesAreInternal() throws Exception {
        for (String address : new String[] {"127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                "0.0.0.0", "::1", "fe80::1", "fd00::1", "100.64.0.1"}) {
            assertTrue(DownloadGuard.isInternal(InetAddress.getByName(address)), address);
        }
        assertFalse(DownloadGuard.isInternal(InetAddress.getByName("93.184.216.34")));
        assertFalse(DownloadGuard.isInternal(InetAddress.getByName("2606:4700::1111")));
    }

    @Test
    void privateNetworksCanBeAllowedByTheOperator() {
        DownloadGuard open = new DownloadGuard("http://127.0.0.1:5000", true);
        assertDoesNotThrow(() -> open.check(URI.create("http://10.0.0.5/f.csv")));
    }

    @Test
    void messagesNeverCarryUserInfoOrQuery() {
        assertEquals("http://10.0.0.5/f.csv", DownloadGuard.redact(URI.create("http://user:secret@10.0.0.5/f.csv?token=x")));
    }
}
