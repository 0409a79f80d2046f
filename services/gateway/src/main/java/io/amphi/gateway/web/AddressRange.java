package io.amphi.gateway.web;

import java.net.InetAddress;
import java.util.regex.Pattern;

/** An address and the number of its leading bits that must match, such as 10.0.0.0/8. */
record AddressRange(byte[] network, int prefixBits) {

    /** An IPv4 or IPv6 literal, nothing a resolver would look up. */
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f.:]{2,45}");

    static AddressRange parse(String text) {
        String[] parts = text.strip().split("/", 2);
        InetAddress address = literal(parts[0]);
        if (address == null) {
            throw new IllegalArgumentException(
                    "A trusted proxy is an IP address or a range such as 10.0.0.0/8, not " + text);
        }
        int bits = address.getAddress().length * 8;
        int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : bits;
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("The prefix of " + text + " must be 0 to " + bits);
        }
        return new AddressRange(address.getAddress(), prefix);
    }

    static InetAddress literal(String text) {
        if (text == null || !IP_LITERAL.matcher(text).matches()) {
            return null;
        }
        try {
            return InetAddress.ofLiteral(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) {
            return false;
        }
        for (int bit = 0; bit < prefixBits; bit++) {
            int mask = 0x80 >> (bit % 8);
            if ((candidate[bit / 8] & mask) != (network[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }
}
