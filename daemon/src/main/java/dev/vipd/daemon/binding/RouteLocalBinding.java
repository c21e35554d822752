package dev.vipd.daemon.binding;

import java.net.InetAddress;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bind mode {@code route-local} (the default): a {@code local} route per VIP on {@code lo}.
 *
 * <pre>
 * ip -4 route replace local 198.51.100.100/32 dev lo table local proto 86
 * ip -6 route replace local 2001:db8::100/128 dev lo table local proto 86
 * </pre>
 *
 * <p>The kernel then delivers packets for the VIP to local sockets, but the address is on no
 * interface: with {@code arp_ignore=1} the kernel does not answer ARP for it (only vipd's responder
 * does, and only while this node owns it), and it is never chosen as a source address. IPv6 has no
 * such switch and needs none: the kernel answers Neighbor Solicitations only for addresses
 * configured on an interface. Before the first route the ARP sysctls are raised for {@code all} and
 * for each VIP's pool interface (see {@link ArpSysctls}).
 *
 * <p>Services must listen on the wildcard address for IPv6 VIPs: the kernel refuses {@code bind()}
 * to an IPv6 address that is only a local route ({@code EADDRNOTAVAIL}, measured on Linux 6.18)
 * unless the socket sets {@code IP_FREEBIND} or {@code net.ipv6.ip_nonlocal_bind=1}. IPv4 accepts
 * a bind to the VIP itself.
 *
 * <p>The marker is the route protocol {@value #VIPD_PROTO}: {@link #cleanup()} flushes exactly the
 * {@code local}-table routes with that protocol, in both families, whoever added them (an earlier
 * vipd process that crashed included). Routes an operator adds by hand carry {@code proto boot}
 * and are never touched. {@code replace} makes binding idempotent.
 */
public final class RouteLocalBinding implements LocalBinding {

  /**
   * The route protocol that marks vipd's routes. 86 is ASCII 'V'. It is not assigned in the
   * kernel's {@code rtnetlink.h} (0-18, 42, 99, 186-192), in iproute2's {@code rt_protos}, nor in
   * the ranges other routing daemons take (FRR 186-198, BIRD 12, keepalived 18), and values above
   * {@code RTPROT_STATIC} (4) are not interpreted by the kernel. Operators can name it: {@code
   * echo "86 vipd" > /etc/iproute2/rt_protos.d/vipd.conf}.
   */
  public static final int VIPD_PROTO = 86;

  private static final Logger log = LoggerFactory.getLogger(RouteLocalBinding.class);

  private final CommandRunner runner;
  private final Function<InetAddress, String> interfaceOf;
  private final ArpSysctls sysctls;
  private final Set<String> sysctlsDone = new HashSet<>();
  private final Set<InetAddress> bound = new HashSet<>();

  /**
   * @param interfaceOf the pool interface each VIP is served on, for its ARP sysctls
   */
  public RouteLocalBinding(CommandRunner runner, Function<InetAddress, String> interfaceOf) {
    this.runner = Objects.requireNonNull(runner, "runner");
    this.interfaceOf = Objects.requireNonNull(interfaceOf, "interfaceOf");
    this.sysctls = new ArpSysctls(runner);
  }

  @Override
  public synchronized void bind(InetAddress vip) {
    Family family = Family.of(vip);
    if (family == Family.IPV4) {
      ensureSysctls("all");
      ensureSysctls(interfaceOf.apply(vip));
    }
    String prefix = Family.hostPrefix(vip);
    runner.run("adding local route " + prefix, route(family, "replace", prefix));
    if (bound.add(vip)) {
      log.info("op=bind mode=route-local vip={}", Family.text(vip));
    }
  }

  /**
   * One {@code ip -force -batch -} for all of {@code vips} ({@link IpBatch}): ~10 ms for a hundred
   * routes instead of ~3 ms per route (measured here), and a route the kernel refuses fails alone.
   * The family of each route follows from its address.
   */
  @Override
  public synchronized Map<InetAddress, String> bindAll(Collection<InetAddress> vips) {
    Map<InetAddress, String> failed = new LinkedHashMap<>();
    Map<InetAddress, String> lines = new LinkedHashMap<>();
    for (InetAddress vip : vips) {
      try {
        if (Family.of(vip) == Family.IPV4) {
          ensureSysctls("all");
          ensureSysctls(interfaceOf.apply(vip));
        }
        lines.put(vip, batchLine("replace", vip));
      } catch (RuntimeException e) {
        failed.put(vip, String.valueOf(e.getMessage()));
      }
    }
    failed.putAll(IpBatch.run(runner, "adding " + lines.size() + " local routes", lines));
    for (InetAddress vip : lines.keySet()) {
      if (!failed.containsKey(vip) && bound.add(vip)) {
        log.info("op=bind mode=route-local vip={}", Family.text(vip));
      }
    }
    return failed;
  }

  /** One {@code ip -force -batch -} for all of {@code vips}; a route already gone is no failure. */
  @Override
  public synchronized Map<InetAddress, String> unbindAll(Collection<InetAddress> vips) {
    Map<InetAddress, String> lines = new LinkedHashMap<>();
    vips.forEach(vip -> lines.put(vip, batchLine("del", vip)));
    Map<InetAddress, String> failed = new LinkedHashMap<>(
        IpBatch.run(runner, "removing " + lines.size() + " local routes", lines));
    failed.values().removeIf(reason -> reason.contains("No such process"));
    for (InetAddress vip : vips) {
      if (!failed.containsKey(vip) && bound.remove(vip)) {
        log.info("op=unbind mode=route-local vip={}", Family.text(vip));
      }
    }
    return failed;
  }

  private static String batchLine(String verb, InetAddress vip) {
    return String.join(" ", route(Family.of(vip), verb, Family.hostPrefix(vip)).subList(2, 12));
  }

  @Override
  public synchronized void unbind(InetAddress vip) {
    Family family = Family.of(vip);
    String prefix = Family.hostPrefix(vip);
    try {
      runner.run("removing local route " + prefix, route(family, "del", prefix));
    } catch (CommandException e) {
      // ESRCH: the route is already gone (removed by hand, or by cleanup); that is the goal.
      if (!e.stderr().contains("No such process")) {
        throw e;
      }
    }
    if (bound.remove(vip)) {
      log.info("op=unbind mode=route-local vip={}", Family.text(vip));
    }
  }

  @Override
  public synchronized void cleanup() {
    for (Family family : Family.values()) {
      runner.run(
          "removing vipd's local routes (" + family.flag() + ")",
          List.of(
              "ip", family.flag(), "route", "flush", "table", "local",
              "proto", String.valueOf(VIPD_PROTO)));
    }
    bound.clear();
    log.info("op=cleanup mode=route-local proto={}", VIPD_PROTO);
  }

  @Override
  public synchronized Set<InetAddress> bound() {
    return Set.copyOf(bound);
  }

  private void ensureSysctls(String scope) {
    if (scope != null && sysctlsDone.add(scope)) {
      try {
        sysctls.ensure(scope);
      } catch (RuntimeException e) {
        sysctlsDone.remove(scope);
        throw e;
      }
    }
  }

  private static List<String> route(Family family, String verb, String prefix) {
    return List.of(
        "ip", family.flag(), "route", verb, "local", prefix, "dev", "lo", "table", "local",
        "proto", String.valueOf(VIPD_PROTO));
  }

  @Override
  public String toString() {
    return "RouteLocalBinding[proto " + VIPD_PROTO + "]";
  }
}
