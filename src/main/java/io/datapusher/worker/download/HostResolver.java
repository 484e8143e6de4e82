package io.datapusher.worker.download;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Turns a host name into addresses. The guard resolves a name exactly once per hop and the
 * downloader dials only the addresses this returned, so a resolver that answers differently the
 * second time (DNS rebinding) gains nothing. Tests inject their own to simulate that.
 */
@FunctionalInterface
public interface HostResolver {

    /** The operating system's resolver. */
    HostResolver SYSTEM = InetAddress::getAllByName;

    InetAddress[] resolve(String host) throws UnknownHostException;
}
