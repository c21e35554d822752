package dev.vipd.daemon.config;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Expands one entry of a pool's {@code addresses} list: a single address ({@code 198.51.100.7},
 * {@code 2001:db8::7}), an inclusive range ({@code 198.51.100.10-198.51.100.19}) or a CIDR block
 * ({@code 198.51.100.0/28}, every address of it, network and broadcast included: the block is a set
 * of VIPs, not the interface's subnet). Failures are {@link IllegalArgumentException}s whose
 * message is the user-facing problem text.
 */
final class VipAddresses {

  /**
   * Upper bound on the addresses one entry may expand to. A typo such as {@code /16} for {@code
   * /26} would otherwise create 65536 VIPs and announce them all.
   */
  static final int MAX_PER_ENTRY = 1024;

  private VipAddresses() {}

  static List<InetAddress> expand(String entry) {
    String text = entry.trim();
    int slash = text.indexOf('/');
    if (slash >= 0) {
      return cidr(text, slash);
    }
    int dash = text.indexOf('-');
    if (dash >= 0) {
      return range(text, dash);
    }
    return List.of(usable(literal(text, text), text));
  }

  private static List<InetAddress> range(String text, int dash) {
    InetAddress start = literal(text.substring(0, dash).trim(), text);
    InetAddress end = literal(text.substring(dash + 1).trim(), text);
    if (start.getClass() != end.getClass()) {
      throw new IllegalArgumentException(
          "invalid address range: " + text + " (mixes IPv4 and IPv6)");
    }
    BigInteger first = new BigInteger(1, start.getAddress());
    BigInteger last = new BigInteger(1, end.getAddress());
    if (first.compareTo(last) > 0) {
      throw new IllegalArgumentException("invalid address range: " + text + " (start after end)");
    }
    BigInteger count = last.subtract(first).add(BigInteger.ONE);
    if (count.compareTo(BigInteger.valueOf(MAX_PER_ENTRY)) > 0) {
      throw new IllegalArgumentException(
          "invalid address range: " + text + " (" + count + " addresses, at most " + MAX_PER_ENTRY
              + ")");
    }
    return enumerate(first, count.intValue(), start.getAddress().length, text);
  }

  private static List<InetAddress> cidr(String text, int slash) {
    InetAddress base = literal(text.substring(0, slash), text);
    int bits = base.getAddress().length * 8;
    String lengthText = text.substring(slash + 1);
    if (!lengthText.matches("[0-9]{1,3}") || Integer.parseInt(lengthText) > bits) {
      throw new IllegalArgumentException(
          "invalid CIDR: " + text + " (prefix length expected: 0-" + bits + ")");
    }
    int prefix = Integer.parseInt(lengthText);
    int hostBits = bits - prefix;
    BigInteger first = new BigInteger(1, base.getAddress());
    BigInteger network = first.shiftRight(hostBits).shiftLeft(hostBits);
    if (!network.equals(first)) {
      String fixed = IpLiterals.format(toAddress(network, base.getAddress().length));
      throw new IllegalArgumentException(
          "invalid CIDR: " + text + " (host bits set; did you mean " + fixed + "/" + prefix + "?)");
    }
    if (hostBits > 10) {
      throw new IllegalArgumentException(
          "invalid CIDR: " + text + " (" + BigInteger.ONE.shiftLeft(hostBits)
              + " addresses, at most " + MAX_PER_ENTRY + ")");
    }
    return enumerate(first, 1 << hostBits, base.getAddress().length, text);
  }

  private static List<InetAddress> enumerate(BigInteger first, int count, int length, String text) {
    List<InetAddress> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(usable(toAddress(first.add(BigInteger.valueOf(i)), length), text));
    }
    return out;
  }

  private static InetAddress literal(String part, String entry) {
    InetAddress address = IpLiterals.parse(part);
    if (address == null) {
      throw new IllegalArgumentException(
          "invalid address: " + entry + " (expected an IPv4 or IPv6 address, a range a-b or a"
              + " CIDR a/n; names are not resolved)");
    }
    if (part.indexOf(':') >= 0 && address instanceof Inet4Address) {
      throw new IllegalArgumentException(
          "invalid address: " + entry + " (IPv4-mapped IPv6; write the IPv4 address)");
    }
    return address;
  }

  /** Refuses addresses that can never be a VIP on a LAN. */
  private static InetAddress usable(InetAddress address, String entry) {
    String why = null;
    if (address.isAnyLocalAddress()) {
      why = "unspecified";
    } else if (address.isLoopbackAddress()) {
      why = "loopback";
    } else if (address.isMulticastAddress()) {
      why = "multicast";
    } else if (address.isLinkLocalAddress()) {
      why = "link-local";
    } else if (address.getHostAddress().equals("255.255.255.255")) {
      why = "broadcast";
    }
    if (why != null) {
      String shown = IpLiterals.format(address);
      String where = shown.equals(entry) ? "" : " in " + entry;
      throw new IllegalArgumentException(
          "not usable as a VIP: " + shown + where + " (" + why + " address)");
    }
    return address;
  }

  private static InetAddress toAddress(BigInteger value, int length) {
    byte[] raw = value.toByteArray();
    byte[] out = new byte[length];
    int copy = Math.min(raw.length, length);
    System.arraycopy(raw, raw.length - copy, out, length - copy, copy);
    try {
      // Inet6Address directly: InetAddress.getByAddress turns ::ffff:a.b.c.d into IPv4.
      return length == 16
          ? Inet6Address.getByAddress(null, out, (NetworkInterface) null)
          : InetAddress.getByAddress(out);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are always accepted", e);
    }
  }
}
