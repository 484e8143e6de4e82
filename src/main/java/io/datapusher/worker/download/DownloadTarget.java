package io.datapusher.worker.download;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;

/**
 * One hop of a download as the guard approved it: where to connect and what to ask for.
 *
 * @param uri          the URL of this hop
 * @param scheme       {@code http} or {@code https}
 * @param host         the name for TLS SNI and certificate checks, or the canonical text of a
 *                     literal address
 * @param port         the port to dial
 * @param hostHeader   the Host header exactly as the URL wrote host and port (signed URLs depend
 *                     on it)
 * @param addresses    the only addresses that may be dialled, already checked
 * @param ckanOrigin   whether this hop is on CKAN_URL's exact origin
 */
public record DownloadTarget(URI uri, String scheme, String host, int port, String hostHeader,
                             List<InetAddress> addresses, boolean ckanOrigin) {

    /** The path and query to request; the fragment never leaves the client. */
    public String pathAndQuery() {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
    }
}
