package dev.vipd.protocol;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The {@link Announcer}'s counters on one interface: {@code vipd_announcements_total} and {@code
 * vipd_announcements_failed_total}, by {@code kind} ({@code garp} for IPv4, {@code
 * unsolicited-na} for IPv6). Looked up once, so counting allocates nothing.
 */
final class AnnounceMeters {
  private final Counter sentGarp;
  private final Counter sentNa;
  private final Counter failedGarp;
  private final Counter failedNa;

  AnnounceMeters(MeterRegistry registry, String interfaceName) {
    sentGarp = sent(registry, interfaceName, "garp");
    sentNa = sent(registry, interfaceName, "unsolicited-na");
    failedGarp = failed(registry, interfaceName, "garp");
    failedNa = failed(registry, interfaceName, "unsolicited-na");
  }

  void sent(InetAddress vip) {
    (vip instanceof Inet4Address ? sentGarp : sentNa).increment();
  }

  void failed(InetAddress vip) {
    (vip instanceof Inet4Address ? failedGarp : failedNa).increment();
  }

  private static Counter sent(MeterRegistry registry, String interfaceName, String kind) {
    return Counter.builder("vipd.announcements")
        .description("Gratuitous ARPs and unsolicited neighbor advertisements sent")
        .tag("interface", interfaceName).tag("kind", kind).register(registry);
  }

  private static Counter failed(MeterRegistry registry, String interfaceName, String kind) {
    return Counter.builder("vipd.announcements.failed")
        .description("Announcement frames the socket refused")
        .tag("interface", interfaceName).tag("kind", kind).register(registry);
  }
}
