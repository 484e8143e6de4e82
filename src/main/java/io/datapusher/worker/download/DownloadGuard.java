package io.datapusher.worker.download;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Decides whether a URL may be fetched: http or https only, and, unless private networks are
 * allowed, never a loopback, private, link-local or unspecified address, except CKAN's own origin
 * (scheme, host and port), which is where uploaded files live.
 */
public class DownloadGuard {

    private final Origin ckanOrigin;
    private final boolean allowPrivateNetworks;

    public DownloadGuard(String ckanUrl, boolean allowPrivateNetworks) {
        this.ckanOrigin = Origin.of(URI.create(ckanUrl));
        this.allowPrivateNetworks = allowPrivateNetworks;
    }

    /** Throws when the URL must not be fetched; the message says why. */
    public void check(URI uri) throws DownloadException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new DownloadException("refusing to download " + redact(uri) + ": only http and https URLs are allowed", false);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new DownloadException("refusing to download " + redact(uri) + ": the URL has no host", false);
        }
        if (allowPrivateNetworks || isCkanOrigin(uri)) {
            return;
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(uri.getHost());
        } catch (UnknownHostException e) {
            throw new DownloadException("cannot download " + redact(uri) + ": unknown host " + uri.getHost(), false);
        }
        for (InetAddress address : addresses) {
            if (isInternal(address)) {
                throw new DownloadException("refusing to download " + redact(uri) + ": " + uri.getHost()
                        + " resolves to the internal address " + address.getHostAddress()
                        + " (set INGEST_DOWNLOAD_ALLOW_PRIVATE_NETWORKS=true to allow it)", false);
            }
        }
    }

    public boolean isCkanOrigin(URI uri) {
        return ckanOrigin.equals(Origin.of(uri));
    }

    static boolean isInternal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] raw = address.getAddress();
        if (address instanceof Inet6Address) {
            // fc00::/7, unique local addresses: IPv6's private range, which Java does not flag
            return (raw[0] & 0xFE) == 0xFC;
        }
        // 100.64.0.0/10, carrier-grade NAT, is as internal as 10/8 in a cluster
        return (raw[0] & 0xFF) == 100 && (raw[1] & 0xC0) == 64;
    }

    /** A URL for messages: without user info or query, which may carry credentials. */
    static String redact(URI uri) {
        String host = uri.getHost() == null ? "" : uri.getHost();
        String port = uri.getPort() < 0 ? "" : ":" + uri.getPort();
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return (uri.getScheme() == null ? "" : uri.getScheme() + "://") + host + port + path;
    }

    record Origin(String scheme, String host, int port) {
        static Origin of(URI uri) {
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort() >= 0 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
            String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
            return new Origin(scheme, host, port);
        }
    }
}
