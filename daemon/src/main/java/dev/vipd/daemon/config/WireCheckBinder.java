package dev.vipd.daemon.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;

/** Binds a pool's {@code wire-check} block to a {@link WireCheckConfig}, reporting every problem. */
final class WireCheckBinder {
  /** Faster than 100 ms floods the link for nothing: failure detection is seconds anyway. */
  static final Duration MIN_INTERVAL = Duration.ofMillis(100);
  static final Duration MAX_INTERVAL = Duration.ofMinutes(10);
  static final int MAX_MISSES = 100;

  private WireCheckBinder() {}

  /** The block of {@code r}'s pool, or null after reporting problems. */
  static WireCheckConfig bind(ConfigReader r) {
    Boolean enabled = r.bool("wire-check.enabled");
    Duration interval = r.duration("wire-check.interval", MIN_INTERVAL, MAX_INTERVAL);
    Integer misses = r.integer("wire-check.misses", 1, MAX_MISSES);
    InetAddress source = sourceAddress(r);
    if (enabled == null || interval == null || misses == null || source == BAD) {
      return null;
    }
    return new WireCheckConfig(enabled, interval, misses, source);
  }

  private static final InetAddress BAD = InetAddress.getLoopbackAddress();

  private static InetAddress sourceAddress(ConfigReader r) {
    String key = "wire-check.source-address";
    String literal = r.string(key);
    if (literal == null) {
      return BAD; // reported by the reader
    }
    if (literal.isEmpty()) {
      return null;
    }
    InetAddress a = IpLiterals.parse(literal);
    if (!(a instanceof Inet4Address)) {
      r.problem(key, "not an IPv4 literal: " + literal
          + " (expected: the IPv4 sender address of ARP probes, or \"\" for 0.0.0.0)");
      return BAD;
    }
    if (a.isAnyLocalAddress() || a.isMulticastAddress() || a.isLoopbackAddress()
        || IpLiterals.format(a).equals("255.255.255.255")) {
      r.problem(key, "not a unicast address: " + literal);
      return BAD;
    }
    return a;
  }
}
