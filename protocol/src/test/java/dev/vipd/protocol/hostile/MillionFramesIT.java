package dev.vipd.protocol.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.protocol.AnnounceSettings;
import dev.vipd.protocol.ConflictListener;
import dev.vipd.protocol.Speaker;
import dev.vipd.protocol.Verdict;
import dev.vipd.protocol.raw.BpfFilters;
import dev.vipd.protocol.raw.EtherKind;
import dev.vipd.protocol.raw.PacketSocket;
import dev.vipd.protocol.spi.FrameDrops;
import dev.vipd.protocol.wire.InetAddresses;
import dev.vipd.testlab.Await;
import dev.vipd.testlab.Host;
import dev.vipd.testlab.NetnsLab;
import dev.vipd.testlab.Sh;
import dev.vipd.testlab.Tcpdump;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A million hostile ARP and IPv6 frames (random bytes, mutated and truncated requests, requests
 * for addresses not owned, oversized frames) from a client at a real responder in a namespace:
 *
 * <ul>
 *   <li>nothing is answered that is not owned: a capture on the client of every frame from the
 *       responder's MAC finds no ARP reply or NA for another address;
 *   <li>everything is counted: a witness socket on the responder's host with the same kernel
 *       filter receives exactly as many frames as the responder gives verdicts to, each side's
 *       kernel and oversize drops included; every malformed verdict has its drop reason;
 *   <li>nothing crashes: arping and ndisc6 are still answered afterwards.
 * </ul>
 */
class MillionFramesIT {
  private static final int FRAMES = 1_000_000;
  private static final String H1_MAC = "02:00:00:00:01:01";
  private static final String CLIENT_MAC = "02:00:00:00:00:99";
  private static final List<String> OWNED =
      List.of("198.51.100.100", "198.51.100.101", "2001:db8::100", "2001:db8::101");
  /** The MTU the client and the bridge get, above the responder's receive buffer (1500 + 18). */
  private static final int JUMBO = 9000;
  private static final Pattern CAPTURED = Pattern.compile("(\\d+) packets captured");
  private static final Pattern KERNEL_DROPPED = Pattern.compile("(\\d+) packets dropped by kernel");

  @Test
  void aMillionHostileFramesAreCountedNoneAnsweredUnlessOwnedAndTheResponderSurvives()
      throws Exception {
    NetnsLab.assumeAvailable();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    SimpleMeterRegistry witnessArpMeters = new SimpleMeterRegistry();
    SimpleMeterRegistry witnessNdpMeters = new SimpleMeterRegistry();
    MultiThreadIoEventLoopGroup group =
        new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    AtomicLong witnessed = new AtomicLong();
    try (NetnsLab lab = NetnsLab.create(false)) {
      // No IPv4 address on the responder: its kernel answers no ARP, so any reply is vipd's.
      Host h1 = lab.host("h1", H1_MAC);
      Host client = lab.host("c", CLIENT_MAC, "198.51.100.9/24", "2001:db8::9/64");
      IoEventLoop loop = (IoEventLoop) group.next();
      IoEventLoop other = (IoEventLoop) group.next();
      try (Speaker speaker = h1.inside(() -> Speaker.open(loop, "eth0",
              new AnnounceSettings(1, Duration.ofMillis(100), Duration.ZERO, 2000), registry,
              ConflictListener.IGNORE, (vip, t) -> {}));
          PacketSocket witnessArp = h1.inside(() -> PacketSocket.open(other, "eth0",
              EtherKind.ARP, f -> witnessed.incrementAndGet(), witnessArpMeters));
          PacketSocket witnessNdp = h1.inside(() -> PacketSocket.open(other, "eth0",
              EtherKind.IPV6, f -> witnessed.incrementAndGet(), witnessNdpMeters));
          PacketSocket arpOut = client.inside(() -> PacketSocket.open(other, "eth0",
              EtherKind.ARP, f -> {}, new SimpleMeterRegistry()));
          PacketSocket ndpOut = client.inside(() -> PacketSocket.open(other, "eth0",
              EtherKind.IPV6, f -> {}, new SimpleMeterRegistry()))) {
        for (String a : OWNED) {
          speaker.acquire(InetAddress.getByName(a));
        }
        HostileFrameMaker maker = new HostileFrameMaker(client.macValue(), OWNED);
        witnessArp.setFilter(BpfFilters.arp(maker.ownedIpv4()));
        witnessNdp.setFilter(BpfFilters.ndp(maker.ownedIpv6Low()));
        // Jumbo frames can now reach h1, whose sockets were sized for 1500 when they opened.
        lab.inBridge("ip", "link", "set", h1.port(), "mtu", Integer.toString(JUMBO));
        lab.inBridge("ip", "link", "set", client.port(), "mtu", Integer.toString(JUMBO));
        h1.run("ip", "link", "set", "eth0", "mtu", Integer.toString(JUMBO));
        client.run("ip", "link", "set", "eth0", "mtu", Integer.toString(JUMBO));
        Tcpdump capture = Tcpdump.start(client, "eth0", "-B", "16384", "-w", "/dev/null",
            unexpectedAnswers(maker));
        Tcpdump allFromH1 = Tcpdump.start(client, "eth0", "-B", "16384", "-w", "/dev/null",
            "ether src " + H1_MAC);
        try {
          long t0 = System.nanoTime();
          for (int i = 0; i < FRAMES; i++) {
            HostileFrameMaker.Frame f = maker.next();
            (f.arp() ? arpOut : ndpOut).send(f.bytes());
            if (i % 256 == 255) {
              Thread.onSpinWait();
              Await.sleep(1); // a pace a real responder meets: drops would still be counted
            }
          }
          long sendMillis = (System.nanoTime() - t0) / 1_000_000;
          // The last frames are handled: the counts stop moving (a loaded machine can leave the
          // responder's loop well behind the sender).
          long[] last = {-1, -1};
          Await.until("the responder and the witness catch up", Duration.ofSeconds(60), () -> {
            long now = verdicts(registry) + socketDrops(registry);
            long seen = witnessed.get() + socketDrops(witnessArpMeters)
                + socketDrops(witnessNdpMeters);
            boolean settled = now == last[0] && seen == last[1];
            last[0] = now;
            last[1] = seen;
            Await.sleep(400);
            return settled;
          }, () -> ": responder " + last[0] + ", witness " + last[1]);
          long verdicts = verdicts(registry);
          long drops = socketDrops(registry);
          long witness = witnessed.get() + socketDrops(witnessArpMeters)
              + socketDrops(witnessNdpMeters);
          System.out.printf("hostile frames: %d sent in %d ms (%s); responder verdicts %d +"
              + " socket drops %d = %d; witness socket %d%n", FRAMES, sendMillis, maker.mix(),
              verdicts, drops, verdicts + drops, witness);
          System.out.println("responder: " + verdictSummary(registry) + "; dropped by reason "
              + dropSummary(registry));
          assertThat(verdicts + drops).as("every frame the kernel filter passed is counted")
              .isEqualTo(witness);
          assertThat(count(registry, Verdict.MALFORMED)).as("malformed verdicts")
              .isEqualTo(malformedDrops(registry)).isPositive();
          assertThat(dropped(registry, "oversize")).as("oversized frames counted").isPositive();
          assertThat(count(registry, Verdict.ANSWERED)).as("valid requests for owned addresses")
              .isPositive();
        } finally {
          String unexpected = stopCapture(capture);
          String fromH1 = stopCapture(allFromH1);
          System.out.printf("client capture: frames from h1 %s; ARP replies/NAs for addresses"
              + " not owned %s%n", summary(fromH1), summary(unexpected));
          assertThat(captured(unexpected)).as("answers for addresses not owned: " + unexpected)
              .isZero();
          assertThat(captured(fromH1)).as("the capture saw h1's answers").isPositive();
        }
        // The responder survived: real clients still get answers.
        Sh.Result arping = client.exec("arping", "-c", "1", "-w", "2", "-I", "eth0",
            "198.51.100.100");
        assertThat(arping.exitCode()).as(arping.output()).isZero();
        Sh.Result ndisc = client.exec("ndisc6", "-1", "-r", "3", "-w", "500", "2001:db8::101",
            "eth0");
        assertThat(ndisc.exitCode()).as(ndisc.output()).isZero();
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
    }
  }

  /**
   * A tcpdump filter for frames from h1 that answer for something h1 does not own: an ARP packet
   * whose sender IP is not owned, or an NA whose target is not owned (link-local aside: h1's
   * kernel defends its own fe80:: address).
   */
  private static String unexpectedAnswers(HostileFrameMaker maker) {
    StringBuilder v4 = new StringBuilder();
    for (int ip : maker.ownedIpv4()) {
      v4.append(v4.length() == 0 ? "" : " or ").append("arp[14:4] = ").append(ip & 0xffffffffL);
    }
    StringBuilder v6 = new StringBuilder();
    for (String a : OWNED) {
      try {
        InetAddress address = InetAddress.getByName(a);
        if (address instanceof Inet6Address six) {
          long hi = InetAddresses.high(six);
          long lo = InetAddresses.low(six);
          v6.append(v6.length() == 0 ? "" : " or ").append("(ip6[48:4] = ").append(hi >>> 32)
              .append(" and ip6[52:4] = ").append(hi & 0xffffffffL).append(" and ip6[56:4] = ")
              .append(lo >>> 32).append(" and ip6[60:4] = ").append(lo & 0xffffffffL)
              .append(')');
        }
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException(a, e);
      }
    }
    return "ether src " + H1_MAC + " and ((arp and not (" + v4 + ")) or (icmp6 and ip6[40] = 136"
        + " and not ip6[48:2] = 0xfe80 and not (" + v6 + ")))";
  }

  private static String stopCapture(Tcpdump tcpdump) {
    return tcpdump.stop();
  }

  private static long captured(String tcpdumpOutput) {
    Matcher m = CAPTURED.matcher(tcpdumpOutput);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private static String summary(String tcpdumpOutput) {
    Matcher d = KERNEL_DROPPED.matcher(tcpdumpOutput);
    return captured(tcpdumpOutput) + " captured, " + (d.find() ? d.group(1) : "?")
        + " dropped by the capture";
  }

  private static long verdicts(MeterRegistry r) {
    long total = 0;
    for (Verdict v : Verdict.values()) {
      total += count(r, v);
    }
    return total;
  }

  private static long count(MeterRegistry r, Verdict v) {
    double n = 0;
    for (String name : List.of("vipd.arp.requests", "vipd.ndp.solicitations")) {
      n += r.find(name).tag("result", v.tag()).counters().stream().mapToDouble(c -> c.count())
          .sum();
    }
    return (long) n;
  }

  private static final Set<String> SOCKET_REASONS =
      Set.of("socket-buffer", "oversize", "receive-error", "handler-error");

  /** Frames the socket lost or refused before a verdict (kernel buffer, oversize, errors). */
  private static long socketDrops(MeterRegistry r) {
    double n = 0;
    for (String reason : SOCKET_REASONS) {
      n += dropped(r, reason);
    }
    return (long) n;
  }

  private static long malformedDrops(MeterRegistry r) {
    double n = 0;
    for (var c : r.find(FrameDrops.NAME).counters()) {
      if (!SOCKET_REASONS.contains(c.getId().getTag("reason"))
          && !"send-error".equals(c.getId().getTag("reason"))) {
        n += c.count();
      }
    }
    return (long) n;
  }

  private static double dropped(MeterRegistry r, String reason) {
    return r.find(FrameDrops.NAME).tag("reason", reason).counters().stream()
        .mapToDouble(c -> c.count()).sum()
        + r.find(FrameDrops.NAME).tag("reason", reason).functionCounters().stream()
        .mapToDouble(c -> c.count()).sum();
  }

  private static String verdictSummary(MeterRegistry r) {
    StringBuilder s = new StringBuilder();
    for (Verdict v : Verdict.values()) {
      s.append(v.tag()).append('=').append(count(r, v)).append(' ');
    }
    return s.toString().strip();
  }

  private static String dropSummary(MeterRegistry r) {
    StringBuilder s = new StringBuilder();
    r.find(FrameDrops.NAME).meters().forEach(m -> {
      double v = m.measure().iterator().next().getValue();
      if (v > 0) {
        s.append(m.getId().getTag("reason")).append('=').append((long) v).append(' ');
      }
    });
    return s.toString().strip();
  }

  static int toInt(InetAddress a) {
    return InetAddresses.toInt((Inet4Address) a);
  }
}
