package io.datapusher.worker.download;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Decides whether a URL may be fetched and, if so, which addresses may be dialled for it: http or
 * https only, and, unless private networks are allowed, never a loopback, private, link-local,
 * unspecified, multicast, CGNAT or unique-local address, except CKAN's own origin (scheme, host and
 * port), which is where uploaded files live.
 *
 * <p>The host is read from the URL's raw authority, as an HTTP client would dial it
 * ({@link IpLiterals}); a name is resolved once, every address it resolves to is checked, and the
 * approved addresses travel with the {@link DownloadTarget} so that the downloader connects to
 * exactly those and never resolves the name again.
 */
public class DownloadGuard {

    private final Origin ckanOrigin;
    private final boolean allowPrivateNetworks;
    private final HostResolver resolver;
    private final Predicate<InetAddress> forbidden;

    public DownloadGuard(String ckanUrl, boolean allowPrivateNetworks) {
        this(ckanUrl, allowPrivateNetworks, HostResolver.SYSTEM, InternalAddresses::isInternal);
    }

    /**
     * @param resolver  how names become addresses
     * @param forbidden which addresses are internal; tests let one loopback address stand in for a
     *                  public host, because test traffic never leaves the machine
     */
    DownloadGuard(String ckanUrl, boolean allowPrivateNetworks, HostResolver resolver, Predicate<InetAddress> forbidden) {
        this.ckanOrigin = Origin.of(URI.create(ckanUrl));
        this.allowPrivateNetworks = allowPrivateNetworks;
        this.resolver = resolver;
        this.forbidden = forbidden;
    }

    /** Approves one hop, or throws with a message that says why not. */
    public DownloadTarget check(URI uri) throws DownloadException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw refused(uri, "only http and https URLs are allowed");
        }
        Authority authority = Authority.parse(uri).orElseThrow(() -> refused(uri, "the URL has no host"));
        Optional<InetAddress> literal;
        try {
            literal = IpLiterals.parse(authority.host());
        } catch (IllegalArgumentException e) {
            throw refused(uri, e.getMessage());
        }
        int port = authority.port() >= 0 ? authority.port() : scheme.equals("https") ? 443 : 80;
        String host = literal.map(InetAddress::getHostAddress).orElse(authority.host());
        // exact origin as written: another spelling of the same address does not carry the token
        boolean ckan = ckanOrigin.equals(new Origin(scheme, Origin.normalise(authority.host()), port));
        List<InetAddress> addresses = literal.isPresent() ? List.of(literal.get()) : resolve(uri, authority.host());
        if (!ckan && !allowPrivateNetworks) {
            for (InetAddress address : addresses) {
                if (forbidden.test(address)) {
                    throw refused(uri, (literal.isPresent() ? "" : authority.host() + " resolves to ")
                            + "the internal address " + address.getHostAddress()
                            + " (set INGEST_DOWNLOAD_ALLOW_PRIVATE_NETWORKS=true to allow it)");
                }
            }
        }
        String hostHeader = authority.host() + (authority.port() < 0 ? "" : ":" + authority.port());
        return new DownloadTarget(uri, scheme, host, port, hostHeader, addresses, ckan);
    }

    public boolean isCkanOrigin(URI uri) {
        return ckanOrigin.equals(Origin.of(uri));
    }

    static boolean isInternal(InetAddress address) {
        return InternalAddresses.isInternal(address);
    }

    private List<InetAddress> resolve(URI uri, String host) throws DownloadException {
        try {
            InetAddress[] found = resolver.resolve(host);
            if (found == null || found.length == 0) {
                throw new UnknownHostException(host);
            }
            return List.of(found);
        } catch (UnknownHostException e) {
            // may be a DNS blip; the downloader's retries decide
            throw new DownloadException("cannot download " + redact(uri) + ": unknown host " + host, true);
        }
    }

    private static DownloadException refused(URI uri, String why) {
        return new DownloadException("refusing to download " + redact(uri) + ": " + why, false);
    }

    /** A URL for messages: without user info or query, which may carry credentials. */
    static String redact(URI uri) {
        String authority = Authority.parse(uri).map(a -> a.host() + (a.port() < 0 ? "" : ":" + a.port())).orElse("");
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        return (uri.getScheme() == null ? "" : uri.getScheme() + "://") + authority + path;
    }

    /**
     * Host and port from the raw authority. {@code URI.getHost()} is null for hosts it cannot
     * classify ({@code 127.1}, {@code 0x7f000001}, names with underscores), yet HTTP clients still
     * dial them, so the authority is split here: user info ends at the last '@'.
     */
    record Authority(String host, int port) {
        static Optional<Authority> parse(URI uri) {
            String raw = uri.getRawAuthority();
            if (raw == null) {
                return Optional.empty();
            }
            String hostAndPort = raw.substring(raw.lastIndexOf('@') + 1);
            String host = hostAndPort;
            String port = "";
            if (hostAndPort.startsWith("[")) {
                int close = hostAndPort.indexOf(']');
                if (close < 0) {
                    return Optional.empty();
                }
                host = hostAndPort.substring(0, close + 1);
                port = hostAndPort.substring(close + 1);
                if (!port.isEmpty() && !port.startsWith(":")) {
                    return Optional.empty();
                }
                port = port.isEmpty() ? "" : port.substring(1);
            } else if (hostAndPort.lastIndexOf(':') >= 0) {
                host = hostAndPort.substring(0, hostAndPort.lastIndexOf(':'));
                port = hostAndPort.substring(hostAndPort.lastIndexOf(':') + 1);
            }
            if (host.isEmpty() || host.contains("%") || host.contains(":") && !host.startsWith("[")) {
                return Optional.empty();   // percent-encoded or otherwise odd hosts are not guessed at
            }
            int portNumber = -1;
            if (!port.isEmpty()) {
                if (!port.chars().allMatch(Character::isDigit) || port.length() > 5 || Integer.parseInt(port) > 65535) {
                    return Optional.empty();
                }
                portNumber = Integer.parseInt(port);
            }
            return Optional.of(new Authority(host.toLowerCase(Locale.ROOT), portNumber));
        }
    }

    record Origin(String scheme, String host, int port) {
        static Origin of(URI uri) {
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            Optional<Authority> authority = Authority.parse(uri);
            int explicit = authority.map(Authority::port).orElse(-1);
            int port = explicit >= 0 ? explicit : scheme.equals("https") ? 443 : 80;
            return new Origin(scheme, normalise(authority.map(Authority::host).orElse("")), port);
        }

        /** Lower case, without a trailing dot, and IPv6 without brackets. */
        static String normalise(String host) {
            String h = host.toLowerCase(Locale.ROOT);
            if (h.endsWith(".")) {
                h = h.substring(0, h.length() - 1);
            }
            if (h.startsWith("[") && h.endsWith("]")) {
                h = h.substring(1, h.length() - 1);
            }
            return h;
        }
    }
}
