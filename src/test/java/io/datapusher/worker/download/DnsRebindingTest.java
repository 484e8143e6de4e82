package io.datapusher.worker.download;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DNS rebinding (docs/hostile-input.md). A rebinding name answers a harmless address when checked and an internal one
 * when dialled. Test traffic stays on the machine, so 127.0.0.2 stands in for the public address
 * (the policy lets it through) and a canary on 127.0.0.1, same port, is the internal target: if the
 * downloader resolved the name a second time to connect, the canary would count it.
 */
class DnsRebindingTest {

    private static final Predicate<InetAddress> INTERNAL_EXCEPT_STAND_IN =
            address -> !address.getHostAddress().equals("127.0.0.2") && InternalAddresses.isInternal(address);

    @TempDir
    Path temp;

    private LoopbackServer publicStandIn;
    private Canary canary;
    private final AtomicInteger lookups = new AtomicInteger();

    /** First answer the stand-in for a public address, then loopback: a rebinding DNS server. */
    private final HostResolver rebinding = host -> new InetAddress[] {
        InetAddress.getByName(lookups.getAndIncrement() == 0 ? "127.0.0.2" : "127.0.0.1")};

    @BeforeEach
    void start() throws IOException {
        for (int tries = 0; ; tries++) {
            publicStandIn = LoopbackServer.on("127.0.0.2", 0);
            try {
                canary = Canary.on("127.0.0.1", publicStandIn.port());
                break;
            } catch (BindException taken) {
                publicStandIn.close();
                if (tries == 5) {
                    throw taken;
                }
            }
        }
        publicStandIn.text("/data.csv", "a\n1\n").redirect("/again.csv", "/data.csv");
    }

    @AfterEach
    void stop() throws IOException {
        publicStandIn.close();
        canary.close();
    }

    @Test
    void theAddressCheckedIsTheAddressDialled() throws Exception {
        FileDownloader downloader = Downloaders.with(Downloaders.limits(temp), "http://ckan.example.org", false,
                rebinding, INTERNAL_EXCEPT_STAND_IN);
        DownloadedFile file = downloader.download("http://rebind.test:" + canary.port() + "/data.csv", "rebind");
        assertEquals("a\n1\n", Files.readString(file.path()));
        assertEquals(1, lookups.get(), "the name is resolved once per hop, by the guard");
        assertEquals(0, canary.connections());
    }

    @Test
    void aRedirectToTheSameNameIsResolvedAndCheckedAgain() throws Exception {
        FileDownloader downloader = Downloaders.with(Downloaders.limits(temp), "http://ckan.example.org", false,
                rebinding, INTERNAL_EXCEPT_STAND_IN);
        DownloadException e = assertThrows(DownloadException.class,
                () -> downloader.download("http://rebind.test:" + canary.port() + "/again.csv", "rebind"));
        assertTrue(e.getMessage().contains("resolves to the internal address 127.0.0.1"), e.getMessage());
        assertEquals(0, canary.connections());
    }
}
