package dev.vipd.protocol;

import dev.vipd.protocol.spi.L2Socket;
import dev.vipd.protocol.wire.ArpFrames;
import dev.vipd.protocol.wire.InetAddresses;
import dev.vipd.protocol.wire.NdpFrames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The targeted refresh of one interface: with every announcement of a VIP, the VIP's unicast
 * targets (a pool's {@code announce.unicast-targets}: gateways and routers that ignore gratuitous
 * broadcasts) get a unicast ARP reply or Neighbor Advertisement (Override flag) from the owner:
 * "VIP is at this MAC", addressed to the target's own MAC.
 *
 * <p>A target's MAC comes from {@link Neighbours} (learned from the frames it sends). While it is
 * unknown, the announcement asks for it instead, from the VIP: an ARP request or a Neighbor
 * Solicitation, at most once a second per target; the target's answer is addressed to the VIP,
 * so it passes the socket filters, and its sender is learned.
 *
 * <p>Runs on the announcer's thread only (the one buffer and the pacing map are unguarded); the
 * targets are replaced from any thread through one volatile reference.
 */
final class UnicastRefresh implements AutoCloseable {
  private static final long RESOLVE_SPACING_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Neighbours neighbours;
  private final L2Socket arpSocket;
  private final L2Socket ndpSocket;
  private final LongSupplier nanoClock;
  private final MeterRegistry registry;
  private final List<Counter> counters = new ArrayList<>();
  private final Counter sent;
  private final Counter asked;
  private final Counter failed;
  private final ByteBuf out = ByteBufAllocator.DEFAULT.directBuffer(128, 128);
  private final Map<InetAddress, Long> lastAsked = new HashMap<>();
  private volatile Map<InetAddress, List<InetAddress>> targetsByVip = Map.of();

  UnicastRefresh(String interfaceName, Neighbours neighbours, L2Socket arpSocket,
      L2Socket ndpSocket, MeterRegistry registry, LongSupplier nanoClock) {
    this.neighbours = neighbours;
    this.arpSocket = arpSocket;
    this.ndpSocket = ndpSocket;
    this.nanoClock = nanoClock;
    this.registry = registry;
    this.sent = counter(interfaceName, "sent");
    this.asked = counter(interfaceName, "unresolved");
    this.failed = counter(interfaceName, "send_failed");
  }

  /**
   * Replaces the targets: {@code byVip} maps a VIP to the neighbours refreshed with it (targets of
   * the other family are ignored). Returns every target, for the socket filters.
   */
  Set<InetAddress> setTargets(Map<? extends InetAddress, ? extends List<InetAddress>> byVip) {
    Map<InetAddress, List<InetAddress>> copy = new HashMap<>();
    Set<InetAddress> all = new LinkedHashSet<>();
    byVip.forEach((vip, targets) -> {
      List<InetAddress> same = targets.stream()
          .filter(t -> (t instanceof Inet4Address) == (vip instanceof Inet4Address)).toList();
      if (!same.isEmpty()) {
        copy.put(vip, same);
        all.addAll(same);
      }
    });
    neighbours.watch(all);
    targetsByVip = Map.copyOf(copy);
    return all;
  }

  /** Sends the unicast refresh of {@code vip} to each of its targets (or asks for their MAC). */
  void refresh(InetAddress vip) {
    List<InetAddress> targets = targetsByVip.get(vip);
    if (targets == null) {
      return;
    }
    for (InetAddress target : targets) {
      long mac = neighbours.mac(target);
      if (mac == Neighbours.UNKNOWN) {
        ask(vip, target);
        continue;
      }
      boolean ok;
      out.clear();
      if (vip instanceof Inet4Address v4) {
        ArpFrames.writeReply(out, arpSocket.mac(), InetAddresses.toInt(v4), mac,
            InetAddresses.toInt((Inet4Address) target));
        ok = arpSocket.send(out);
      } else {
        Inet6Address v6 = (Inet6Address) vip;
        Inet6Address t6 = (Inet6Address) target;
        NdpFrames.writeAdvertisement(out, ndpSocket.mac(), mac, InetAddresses.high(v6),
            InetAddresses.low(v6), InetAddresses.high(t6), InetAddresses.low(t6),
            InetAddresses.high(v6), InetAddresses.low(v6), NdpFrames.FLAG_OVERRIDE);
        ok = ndpSocket.send(out);
      }
      (ok ? sent : failed).increment();
    }
  }

  private void ask(InetAddress vip, InetAddress target) {
    long now = nanoClock.getAsLong();
    Long last = lastAsked.get(target);
    if (last != null && now - last < RESOLVE_SPACING_NANOS) {
      return;
    }
    lastAsked.put(target, now);
    asked.increment();
    out.clear();
    if (vip instanceof Inet4Address v4) {
      ArpFrames.writeRequest(out, arpSocket.mac(), InetAddresses.toInt(v4),
          InetAddresses.toInt((Inet4Address) target));
      arpSocket.send(out);
    } else {
      Inet6Address v6 = (Inet6Address) vip;
      Inet6Address t6 = (Inet6Address) target;
      NdpFrames.writeSolicitation(out, ndpSocket.mac(), InetAddresses.high(v6),
          InetAddresses.low(v6), InetAddresses.high(t6), InetAddresses.low(t6));
      ndpSocket.send(out);
    }
  }

  private Counter counter(String interfaceName, String result) {
    Counter c = Counter.builder("vipd.announce.unicast")
        .description("Unicast refreshes to a pool's unicast-targets: sent, send_failed, or "
            + "unresolved (the target's MAC was not known yet, so it was asked for instead)")
        .tag("interface", interfaceName)
        .tag("result", result)
        .register(registry);
    counters.add(c);
    return c;
  }

  @Override
  public void close() {
    counters.forEach(registry::remove);
    out.release();
  }
}
