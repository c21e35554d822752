package dev.vipd.daemon.binding;

import dev.vipd.protocol.wire.InetAddresses;
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
    return InetAddresses.format(address);
  }
}
