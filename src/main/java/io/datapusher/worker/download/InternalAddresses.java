package io.datapusher.worker.download;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Which addresses count as internal: anything a cluster, a host or a cloud metadata service keeps
 * for itself. IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo) are
 * judged by that IPv4 address, because that is where the packets end up.
 */
final class InternalAddresses {

    private InternalAddresses() {
    }

    static boolean isInternal(InetAddress address) {
        if (address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress()
                || address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] raw = address.getAddress();
        if (address instanceof Inet4Address) {
            return isInternalIpv4(raw);
        }
        if (address instanceof Inet6Address) {
            return isInternalIpv6(raw);
        }
        return true;
    }

    private static boolean isInternalIpv4(byte[] raw) {
        int a = raw[0] & 0xFF;
        int b = raw[1] & 0xFF;
        int c = raw[2] & 0xFF;
        return a == 0                                  // 0.0.0.0/8, "this network": Linux dials it as loopback
                || a == 10 || a == 127
                || (a == 100 && (b & 0xC0) == 64)      // 100.64.0.0/10, carrier-grade NAT, as internal as 10/8
                || (a == 169 && b == 254)              // link-local, where cloud metadata services answer
                || (a == 172 && (b & 0xF0) == 16)
                || (a == 192 && b == 168)
                || (a == 192 && b == 0 && c == 0)      // IETF protocol assignments
                || (a == 198 && (b & 0xFE) == 18)      // 198.18.0.0/15, benchmarking, used inside some networks
                || a >= 224;                           // multicast, reserved and broadcast
    }

    private static boolean isInternalIpv6(byte[] raw) {
        if ((raw[0] & 0xFE) == 0xFC) {
            return true;                               // fc00::/7, unique local: IPv6's private range
        }
        if ((raw[0] & 0xFF) == 0xFE && (raw[1] & 0xC0) == 0xC0) {
            return true;                               // fec0::/10, the deprecated site-local range
        }
        if (startsWithZeros(raw, 10) && (raw[10] & 0xFF) == 0xFF && (raw[11] & 0xFF) == 0xFF) {
            return isInternal(ipv4(raw, 12));          // ::ffff:a.b.c.d, IPv4-mapped
        }
        if (startsWithZeros(raw, 12)) {
            return isInternal(ipv4(raw, 12));          // ::a.b.c.d, IPv4-compatible (deprecated, still parsed)
        }
        if ((raw[0] & 0xFF) == 0x00 && (raw[1] & 0xFF) == 0x64 && (raw[2] & 0xFF) == 0xFF && (raw[3] & 0xFF) == 0x9B) {
            return isInternal(ipv4(raw, 12));          // 64:ff9b::/96 and 64:ff9b:1::/48, NAT64
        }
        if ((raw[0] & 0xFF) == 0x20 && (raw[1] & 0xFF) == 0x02) {
            return isInternal(ipv4(raw, 2));           // 2002::/16, 6to4
        }
        if ((raw[0] & 0xFF) == 0x20 && (raw[1] & 0xFF) == 0x01 && raw[2] == 0 && raw[3] == 0) {
            byte[] client = new byte[4];               // 2001::/32, Teredo: the client address, inverted
            for (int i = 0; i < 4; i++) {
                client[i] = (byte) ~raw[12 + i];
            }
            return isInternal(ipv4(client, 0));
        }
        return false;
    }

    private static boolean startsWithZeros(byte[] raw, int count) {
        for (int i = 0; i < count; i++) {
            if (raw[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress ipv4(byte[] raw, int offset) {
        try {
            return InetAddress.getByAddress(new byte[] {raw[offset], raw[offset + 1], raw[offset + 2], raw[offset + 3]});
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }
}
