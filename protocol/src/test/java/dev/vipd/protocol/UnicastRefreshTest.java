package dev.vipd.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.protocol.spi.FrameDrops;
import dev.vipd.protocol.spi.GroupMembership;
import dev.vipd.protocol.wire.ArpOperation;
import dev.vipd.protocol.wire.ArpPacket;
import dev.vipd.protocol.wire.ArpFrames;
import dev.vipd.protocol.wire.InetAddresses;
import dev.vipd.protocol.wire.MacAddress;
import dev.vipd.protocol.wire.NdpFrames;
import dev.vipd.protocol.wire.NeighborAdvertisement;
import dev.vipd.protocol.wire.NeighborSolicitation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The targeted refresh ({@code announce.unicast-targets}) over in-memory sockets: a target's MAC
 * is asked for while unknown, learned from its own frames, and then every announcement of the VIP
 * is followed by a unicast ARP reply / Neighbor Advertisement addressed to it.
 */
class UnicastRefreshTest {
  private static final long MAC = 0x02_00_00_00_00_01L;
  private static final long GW_MAC = 0x02_00_00_00_00_feL;
  private static final AnnounceSettings SETTINGS =
      new AnnounceSettings(2, Duration.ofMillis(500), Duration.ofSeconds(30), 100_000);

  private final Inet4Address vip4 = (Inet4Address) ip("198.51.100.100");
  private final Inet4Address gw4 = (Inet4Address) ip("198.51.100.1");
  private final Inet6Address vip6 = (Inet6Address) ip("2001:db8::100");
  private final Inet6Address gw6 = (Inet6Address) ip("2001:db8::1");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AnnounceTestScheduler scheduler = new AnnounceTestScheduler();
  private final FakeL2Socket arp = new FakeL2Socket(MAC);
  private final FakeL2Socket ndp = new FakeL2Socket(MAC);
  private final Responder responder = new Responder("fake0", registry,
      new FrameDrops(registry, "fake0"), scheduler::nanoTime, ConflictListener.IGNORE);
  private final Speaker speaker = new Speaker("fake0", responder, arp, ndp, new JoinAll(),
      (sink, owned, gate) -> new Announcer("fake0", sink, SETTINGS, scheduler,
          scheduler::nanoTime, owned, gate, AnnouncementListener.NONE, registry));

  @AfterEach
  void close() {
    speaker.close();
  }

  @Test
  void anUnknownIpv4TargetIsAskedForThenGetsAUnicastReplyWithEveryAnnouncement() throws Exception {
    speaker.start();
    speaker.setUnicastTargets(Map.of(vip4, List.of(gw4, gw6))); // gw6: other family, ignored
    speaker.acquire(vip4);
    scheduler.advance(Duration.ZERO);

    List<ArpPacket> first = arpFrames();
    assertThat(first).anySatisfy(p -> {
      assertThat(p.operation()).isEqualTo(ArpOperation.REQUEST);
      assertThat(p.senderIp()).isEqualTo(vip4);
      assertThat(p.targetIp()).isEqualTo(gw4); // who-has gw4, tell vip4
    });
    assertThat(first).noneMatch(p -> p.operation() == ArpOperation.REPLY);
    assertThat(responder.neighbours().mac(gw4)).isEqualTo(Neighbours.UNKNOWN);

    // The gateway answers the VIP: its MAC is learned from that frame.
    ByteBuf answer = Unpooled.buffer();
    ArpFrames.writeReply(answer, GW_MAC, InetAddresses.toInt(gw4), MAC, InetAddresses.toInt(vip4));
    assertThat(responder.handleArp(answer)).isEqualTo(Verdict.NOT_A_REQUEST);
    assertThat(responder.neighbours().mac(gw4)).isEqualTo(GW_MAC);

    arp.sent.clear();
    scheduler.advance(Duration.ofMillis(500)); // the burst's second announcement
    List<ArpPacket> next = arpFrames();
    assertThat(next).hasSize(2);
    assertThat(next.get(0).ethernet().destination()).isEqualTo(MacAddress.BROADCAST);
    ArpPacket unicast = next.get(1);
    assertThat(unicast.ethernet().destination()).isEqualTo(MacAddress.of(GW_MAC));
    assertThat(unicast.operation()).isEqualTo(ArpOperation.REPLY);
    assertThat(unicast.senderIp()).isEqualTo(vip4);
    assertThat(unicast.senderMac()).isEqualTo(MacAddress.of(MAC));
    assertThat(unicast.targetIp()).isEqualTo(gw4);
    assertThat(unicast.targetMac()).isEqualTo(MacAddress.of(GW_MAC));

    arp.sent.clear();
    scheduler.advance(Duration.ofSeconds(30)); // the refresh is targeted too
    assertThat(arpFrames()).extracting(p -> p.ethernet().destination())
        .containsExactly(MacAddress.BROADCAST, MacAddress.of(GW_MAC));
  }

  @Test
  void anIpv6TargetLearnedFromItsSolicitationGetsAUnicastOverrideAdvertisement()
      throws Exception {
    speaker.start();
    speaker.setUnicastTargets(Map.of(vip6, List.of(gw6)));
    // The router solicits the VIP before this node owns it: learned all the same.
    ByteBuf ns = Unpooled.buffer();
    NdpFrames.writeSolicitation(ns, GW_MAC, InetAddresses.high(gw6), InetAddresses.low(gw6),
        InetAddresses.high(vip6), InetAddresses.low(vip6));
    assertThat(responder.handleNdp(ns)).isEqualTo(Verdict.NOT_OWNED);
    assertThat(responder.neighbours().mac(gw6)).isEqualTo(GW_MAC);

    speaker.acquire(vip6);
    scheduler.advance(Duration.ZERO);
    List<byte[]> frames = ndp.sent;
    assertThat(frames).hasSize(2);
    NeighborAdvertisement multicast = NeighborAdvertisement.decode(Unpooled.wrappedBuffer(
        frames.get(0)));
    NeighborAdvertisement unicast = NeighborAdvertisement.decode(Unpooled.wrappedBuffer(
        frames.get(1)));
    assertThat(multicast.ip().destination().isMulticastAddress()).isTrue();
    assertThat(unicast.ethernet().destination()).isEqualTo(MacAddress.of(GW_MAC));
    assertThat(unicast.ip().source()).isEqualTo(vip6);
    assertThat(unicast.ip().destination()).isEqualTo(gw6);
    assertThat(unicast.target()).isEqualTo(vip6);
    assertThat(unicast.isOverride()).isTrue();
    assertThat(unicast.isSolicited()).isFalse();
    assertThat(unicast.targetLinkLayerAddress()).contains(MacAddress.of(MAC));
  }

  @Test
  void anUnknownIpv6TargetIsSolicitedFromTheVipAndWithoutTargetsNothingExtraIsSent()
      throws Exception {
    speaker.start();
    speaker.setUnicastTargets(Map.of(vip6, List.of(gw6)));
    speaker.acquire(vip6);
    scheduler.advance(Duration.ZERO);
    assertThat(ndp.sent).hasSize(2);
    NeighborSolicitation ask = NeighborSolicitation.decode(Unpooled.wrappedBuffer(
        ndp.sent.get(1)));
    assertThat(ask.ip().source()).isEqualTo(vip6);
    assertThat(ask.target()).isEqualTo(gw6);

    speaker.setUnicastTargets(Map.of());
    ndp.sent.clear();
    scheduler.advance(Duration.ofMillis(500));
    assertThat(ndp.sent).hasSize(1); // the multicast announcement only
    assertThat(responder.neighbours().watched()).isEmpty();
  }

  @Test
  void learnedMacsSurviveAChangeOfTargetsThatKeepsThem() {
    Neighbours n = new Neighbours();
    n.watch(Set.of(gw4, gw6));
    n.learnIpv4(InetAddresses.toInt(gw4), GW_MAC);
    n.learnIpv4(InetAddresses.toInt((Inet4Address) ip("198.51.100.2")), 0x0aL); // not watched
    n.watch(List.of(gw4));
    assertThat(n.mac(gw4)).isEqualTo(GW_MAC);
    assertThat(n.mac(ip("198.51.100.2"))).isEqualTo(Neighbours.UNKNOWN);
    assertThat(n.watched()).containsExactly(gw4);
  }

  private List<ArpPacket> arpFrames() throws Exception {
    List<ArpPacket> out = new ArrayList<>();
    for (byte[] f : arp.sent) {
      out.add(ArpPacket.decode(Unpooled.wrappedBuffer(f)));
    }
    return out;
  }

  private static InetAddress ip(String literal) {
    return AnnounceHarness.ip(literal);
  }

  /** Group membership that accepts every join. */
  private static final class JoinAll implements GroupMembership {
    @Override
    public void join(Inet6Address address) {}

    @Override
    public void leave(Inet6Address address) {}

    @Override
    public void close() {}
  }
}
