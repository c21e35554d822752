package dev.vipd.daemon.binding;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/** The address family of a VIP, as iproute2 spells it. */
enum Family {
  IPV4("-4", 32),
  IPV6("-6", 128);

  private final String flag;
  private final int hostPrefix;

  Family(String flag, int hostPrefix) {
    this.flag = flag;
    this.hostPrefix = hostPrefix;
  }

  static Family of(InetAddress address) {
    if (address instanceof Inet4Address) {
      return IPV4;
    }
    if (address instanceof Inet6Address) {
      return IPV6;
    }
    throw new IllegalArgumentException("invalid address: " + address + " (expected: IPv4 or IPv6)");
  }

  /** {@code -4} or {@code -6}. */
  String flag() {
    return flag;
  }

  /** {@code 198.51.100.100/32} or {@code 2001:db8::100/128}: the VIP as a host prefix. */
  static String hostPrefix(InetAddress address) {
    return text(address) + "/" + of(address).hostPrefix;
  }

  /**
   * The address as iproute2 prints it: dotted quad, or IPv6 in the RFC 5952 short form ({@code
   * 2001:db8::100}, not Java's {@code 2001:db8:0:0:0:0:0:100}) so that logs, commands and {@code
   * ip} output read the same.
   */
  static String text(InetAddress address) {
    if (of(address) == IPV4) {
      return address.getHostAddress();
    }
    byte[] bytes = address.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    // The longest run of two or more zero groups (the first one on a tie) becomes "::".
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }
}
