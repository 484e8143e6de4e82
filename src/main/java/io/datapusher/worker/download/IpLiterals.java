package io.datapusher.worker.download;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a URL's host the way browsers and curl dial it, so the guard judges the address the URL
 * really means. {@code java.net.URI} sees no host at all in {@code http://127.1/} or
 * {@code http://0x7f000001/}, and {@code InetAddress} would hand {@code 0x7f000001} to DNS, where
 * the C library turns it into 127.0.0.1 anyway. Here every IPv4 notation (1 to 4 parts, each
 * decimal, octal with a leading 0 or hex with 0x) is parsed explicitly, and never reaches DNS.
 */
final class IpLiterals {

    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");
    private static final Pattern HEX_NUMBER = Pattern.compile("0[xX][0-9a-fA-F]*");

    private IpLiterals() {
    }

    /**
     * The address a host denotes by itself, or empty when it is a name to resolve.
     *
     * @param host the host as written in the URL, brackets included for IPv6
     * @throws IllegalArgumentException when the host looks like an address but is not a valid one
     */
    static Optional<InetAddress> parse(String host) {
        if (host.startsWith("[")) {
            return Optional.of(parseIpv6(host));
        }
        String trimmed = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        String[] parts = trimmed.split("\\.", -1);
        if (!isNumber(parts[parts.length - 1])) {
            return Optional.empty();
        }
        return Optional.of(parseIpv4(parts, host));
    }

    private static InetAddress parseIpv6(String host) {
        if (!host.endsWith("]") || !IPV6_CHARS.matcher(host.substring(1, host.length() - 1)).matches()) {
            // zone ids (%eth0) and anything else unusual are refused rather than interpreted
            throw new IllegalArgumentException("the host " + host + " is not a plain IPv6 address");
        }
        String literal = host.substring(1, host.length() - 1);
        if (!literal.contains(":")) {
            throw new IllegalArgumentException("the host " + host + " is not an IPv6 address");
        }
        try {
            return InetAddress.getByName(literal); // an IPv6 literal: parsed, never looked up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("the host " + host + " is not a valid IPv6 address", e);
        }
    }

    /** A host whose last label is a number is an IPv4 address or invalid, never a name. */
    private static boolean isNumber(String label) {
        return DIGITS.matcher(label).matches() || HEX_NUMBER.matcher(label).matches();
    }

    private static InetAddress parseIpv4(String[] parts, String host) {
        if (parts.length > 4) {
            throw new IllegalArgumentException("the host " + host + " is not a valid IPv4 address");
        }
        long value = 0;
        for (int i = 0; i < parts.length; i++) {
            long part = parsePart(parts[i], host);
            boolean last = i == parts.length - 1;
            // every part but the last is one byte; the last fills all the bytes that are left
            long limit = last ? (1L << (8 * (4 - i))) - 1 : 255;
            if (part > limit) {
                throw new IllegalArgumentException("the host " + host + " is not a valid IPv4 address");
            }
            value = last ? (value << (8 * (4 - i))) | part : (value << 8) | part;
        }
        byte[] raw = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    private static long parsePart(String part, String host) {
        String lower = part.toLowerCase(Locale.ROOT);
        int radix = 10;
        String digits = lower;
        if (lower.startsWith("0x")) {
            radix = 16;
            digits = lower.substring(2);
        } else if (lower.length() > 1 && lower.startsWith("0")) {
            radix = 8;
            digits = lower.substring(1);
        }
        if (digits.isEmpty()) {
            if (radix == 16) {
                return 0;              // "0x" alone is zero to a browser
            }
            throw new IllegalArgumentException("the host " + host + " has an empty part");
        }
        if (digits.length() > 12) {
            throw new IllegalArgumentException("the host " + host + " is not a valid IPv4 address");
        }
        try {
            return Long.parseLong(digits, radix);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the host " + host + " is not a valid IPv4 address", e);
        }
    }
}
