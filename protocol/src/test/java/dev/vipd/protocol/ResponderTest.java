package dev.vipd.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vipd.protocol.spi.FrameDrops;
import dev.vipd.protocol.wire.ArpFrames;
import dev.vipd.protocol.wire.InetAddresses;
import dev.vipd.protocol.wire.NdpFrames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ResponderTest {
  private static final long OUR_MAC = 0x02_00_00_00_00_01L;
  private static final long CLIENT_MAC = 0x02_00_00_00_00_99L;
  private static final long OTHER_MAC = 0x02_00_00_00_00_02L;
  private static final Inet4Address VIP = v4("198.51.100.100");
  private static final Inet4Address OTHER_VIP = v4("198.51.100.101");
  private static final Inet4Address CLIENT = v4("198.51.100.9");
  private static final Inet6Address VIP6 = v6("2001:db8::100");
  private static final Inet6Address CLIENT6 = v6("2001:db8::9");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final List<String> conflicts = new ArrayList<>();
  private boolean expectedClaims;
  private final FakeL2Socket arp = new FakeL2Socket(OUR_MAC);
  private final FakeL2Socket ndp = new FakeL2Socket(OUR_MAC);
  private Responder responder;

  @BeforeEach
  void setUp() {
    responder =
        new Responder(
            "eth0", registry, new FrameDrops(registry, "eth0"), now::get,
            (vip, mac) -> conflicts.add(vip.getHostAddress() + "@" + Long.toHexString(mac))
                && !expectedClaims);
    responder.attach(arp, ndp);
    responder.setOwned(AddressSet.of(Set.of(VIP, VIP6)));
  }

  @Test
  void dropMetersOfAnotherInterfaceAreRefused() {
    assertThatThrownBy(() -> new Responder("eth0", registry, new FrameDrops(registry, "eth1"),
            now::get, ConflictListener.IGNORE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid drop meters: of eth1 (expected: of eth0)");
  }

  @Test
  void answersArpRequestForOwnedAddressWithOurMac() {
    assertThat(responder.handleArp(arpRequest(CLIENT_MAC, CLIENT, VIP))).isEqualTo(Verdict.ANSWERED);

    assertThat(arp.sent).hasSize(1);
    ByteBuf reply = Unpooled.wrappedBuffer(arp.sent.get(0));
    assertThat(ArpFrames.check(reply)).isEqualTo(dev.vipd.protocol.wire.FrameError.NONE);
    assertThat(ArpFrames.operation(reply)).isEqualTo(2);
    assertThat(ArpFrames.senderMac(reply)).isEqualTo(OUR_MAC);
    assertThat(ArpFrames.senderIp(reply)).isEqualTo(InetAddresses.toInt(VIP));
    assertThat(ArpFrames.targetMac(reply)).isEqualTo(CLIENT_MAC);
    assertThat(ArpFrames.targetIp(reply)).isEqualTo(InetAddresses.toInt(CLIENT));
    assertThat(ArpFrames.ethernetDestination(reply)).isEqualTo(CLIENT_MAC);
    assertThat(ArpFrames.ethernetSource(reply)).isEqualTo(OUR_MAC);
    assertThat(count("vipd.arp.requests", Verdict.ANSWERED)).isEqualTo(1);
  }

  @Test
  void ignoresRequestForAddressNotOwned() {
    assertThat(responder.handleArp(arpRequest(CLIENT_MAC, CLIENT, OTHER_VIP)))
        .isEqualTo(Verdict.NOT_OWNED);
    assertThat(arp.sent).isEmpty();
  }

  @Test
  void answersRfc5227ProbeFromUnspecifiedSender() {
    ByteBuf probe = Unpooled.buffer();
    ArpFrames.writeRequest(probe, CLIENT_MAC, 0, InetAddresses.toInt(VIP));
    assertThat(responder.handleArp(probe)).isEqualTo(Verdict.ANSWERED);
    assertThat(ArpFrames.targetIp(Unpooled.wrappedBuffer(arp.sent.get(0)))).isZero();
  }

  @Test
  void gratuitousArpFromAnotherMacForOwnedAddressIsAConflict() {
    ByteBuf garp = Unpooled.buffer();
    ArpFrames.writeAnnouncement(garp, OTHER_MAC, InetAddresses.toInt(VIP));

    assertThat(responder.handleArp(garp)).isEqualTo(Verdict.CONFLICT);
    assertThat(arp.sent).isEmpty();
    assertThat(conflicts).containsExactly("198.51.100.100@20000000002");
    assertThat(registry.get("vipd.address.conflicts").tag("vip", "198.51.100.100").counter()
        .count()).isEqualTo(1);
  }

  @Test
  void anExpectedClaimIsReportedButNotCountedAsAConflict() {
    expectedClaims = true; // e.g. the successor announcing during a hand-over
    ByteBuf garp = Unpooled.buffer();
    ArpFrames.writeAnnouncement(garp, OTHER_MAC, InetAddresses.toInt(VIP));

    assertThat(responder.handleArp(garp)).isEqualTo(Verdict.CONFLICT);
    assertThat(conflicts).hasSize(1);
    assertThat(registry.find("vipd.address.conflicts").counters()).isEmpty();
  }

  @Test
  void arpReplyFromAnotherMacClaimingOwnedAddressIsAConflict() {
    ByteBuf reply = Unpooled.buffer();
    ArpFrames.writeReply(reply, OTHER_MAC, InetAddresses.toInt(VIP), CLIENT_MAC,
        InetAddresses.toInt(CLIENT));
    assertThat(responder.handleArp(reply)).isEqualTo(Verdict.CONFLICT);
    assertThat(conflicts).hasSize(1);
  }

  @Test
  void replyForSomeoneElsesAddressIsNotARequest() {
    ByteBuf reply = Unpooled.buffer();
    ArpFrames.writeReply(reply, OTHER_MAC, InetAddresses.toInt(OTHER_VIP), CLIENT_MAC,
        InetAddresses.toInt(CLIENT));
    assertThat(responder.handleArp(reply)).isEqualTo(Verdict.NOT_A_REQUEST);
    assertThat(conflicts).isEmpty();
  }

  @Test
  void ourOwnAnnouncementIsNoConflict() {
    ByteBuf garp = Unpooled.buffer();
    ArpFrames.writeAnnouncement(garp, OUR_MAC, InetAddresses.toInt(VIP));
    assertThat(responder.handleArp(garp)).isEqualTo(Verdict.NOT_A_REQUEST);
    assertThat(conflicts).isEmpty();
  }

  @Test
  void silentAfterTheAnswerDeadlineUntilItIsExtended() {
    responder.setAnswerDeadline(now.get() + 100);
    now.addAndGet(101);
    assertThat(responder.handleArp(arpRequest(CLIENT_MAC, CLIENT, VIP))).isEqualTo(Verdict.SILENCED);
    assertThat(responder.handleNdp(solicitation(CLIENT_MAC, CLIENT6, VIP6)))
        .isEqualTo(Verdict.SILENCED);
    assertThat(arp.sent).isEmpty();
    assertThat(ndp.sent).isEmpty();

    responder.setAnswerDeadline(now.get() + 1_000);
    assertThat(responder.handleArp(arpRequest(CLIENT_MAC, CLIENT, VIP))).isEqualTo(Verdict.ANSWERED);
  }

  @Test
  void malformedFramesAreCountedByReasonAndNeverAnswered() {
    ByteBuf truncated = arpRequest(CLIENT_MAC, CLIENT, VIP).capacity(30);
    assertThat(responder.handleArp(truncated)).isEqualTo(Verdict.MALFORMED);
    assertThat(arp.sent).isEmpty();
    assertThat(
            registry.get("vipd.frames.dropped").tag("interface", "eth0")
                .tag("reason", "truncated").counter().count())
        .isEqualTo(1);
  }

  @Test
  void sendFailureIsItsOwnVerdict() {
    arp.failSends = true;
    assertThat(responder.handleArp(arpRequest(CLIENT_MAC, CLIENT, VIP)))
        .isEqualTo(Verdict.SEND_FAILED);
  }

  @Test
  void releasedAddressIsNoLongerAnswered() {
    responder.setOwned(responder.owned().without(VIP));
    assertThat(responder.handleArp(arpRequest(CLIENT_MAC, CLIENT, VIP))).isEqualTo(Verdict.NOT_OWNED);
    assertThat(arp.sent).isEmpty();
  }

  @Test
  void answersNeighborSolicitationWithSolicitedOverrideAdvertisement() {
    assertThat(responder.handleNdp(solicitation(CLIENT_MAC, CLIENT6, VIP6)))
        .isEqualTo(Verdict.ANSWERED);

    ByteBuf na = Unpooled.wrappedBuffer(ndp.sent.get(0));
    assertThat(NdpFrames.check(na)).isEqualTo(dev.vipd.protocol.wire.FrameError.NONE);
    assertThat(NdpFrames.icmpType(na)).isEqualTo(136);
    assertThat(NdpFrames.advertisementFlags(na))
        .isEqualTo(NdpFrames.FLAG_SOLICITED | NdpFrames.FLAG_OVERRIDE);
    assertThat(NdpFrames.targetLo(na)).isEqualTo(InetAddresses.low(VIP6));
    assertThat(NdpFrames.destinationLo(na)).isEqualTo(InetAddresses.low(CLIENT6));
    assertThat(NdpFrames.ethernetDestination(na)).isEqualTo(CLIENT_MAC);
    assertThat(NdpFrames.linkLayerOption(na, 2)).isEqualTo(OUR_MAC);
  }

  @Test
  void answersDuplicateAddressDetectionToAllNodesWithoutSolicitedFlag() {
    ByteBuf dad = Unpooled.buffer();
    NdpFrames.writeSolicitation(dad, CLIENT_MAC, 0, 0, InetAddresses.high(VIP6),
        InetAddresses.low(VIP6));
    assertThat(responder.handleNdp(dad)).isEqualTo(Verdict.ANSWERED);

    ByteBuf na = Unpooled.wrappedBuffer(ndp.sent.get(0));
    assertThat(NdpFrames.advertisementFlags(na)).isEqualTo(NdpFrames.FLAG_OVERRIDE);
    assertThat(NdpFrames.destinationHi(na)).isEqualTo(0xff02_0000_0000_0000L);
    assertThat(NdpFrames.destinationLo(na)).isEqualTo(1L);
  }

  @Test
  void solicitationForAddressNotOwnedIsIgnored() {
    assertThat(responder.handleNdp(solicitation(CLIENT_MAC, CLIENT6, v6("2001:db8::101"))))
        .isEqualTo(Verdict.NOT_OWNED);
    assertThat(ndp.sent).isEmpty();
  }

  @Test
  void advertisementFromAnotherMacForOwnedAddressIsAConflict() {
    ByteBuf na = Unpooled.buffer();
    NdpFrames.writeUnsolicitedAdvertisement(na, OTHER_MAC, InetAddresses.high(VIP6),
        InetAddresses.low(VIP6));
    assertThat(responder.handleNdp(na)).isEqualTo(Verdict.CONFLICT);
    assertThat(conflicts).containsExactly("2001:db8:0:0:0:0:0:100@20000000002");
    assertThat(registry.get("vipd.address.conflicts").tag("vip", "2001:db8::100")
        .counter().count()).isEqualTo(1);
    assertThat(count("vipd.ndp.solicitations", Verdict.CONFLICT)).isEqualTo(1);
  }

  @Test
  void advertisementForAddressNotOwnedIsNotARequest() {
    ByteBuf na = Unpooled.buffer();
    Inet6Address other = v6("2001:db8::101");
    NdpFrames.writeUnsolicitedAdvertisement(na, OTHER_MAC, InetAddresses.high(other),
        InetAddresses.low(other));
    assertThat(responder.handleNdp(na)).isEqualTo(Verdict.NOT_A_REQUEST);
    assertThat(conflicts).isEmpty();
  }

  private double count(String name, Verdict verdict) {
    return registry.get(name).tag("interface", "eth0").tag("result", verdict.tag()).counter()
        .count();
  }

  private static ByteBuf arpRequest(long mac, Inet4Address from, Inet4Address target) {
    ByteBuf b = Unpooled.buffer();
    ArpFrames.writeRequest(b, mac, InetAddresses.toInt(from), InetAddresses.toInt(target));
    return b;
  }

  private static ByteBuf solicitation(long mac, Inet6Address from, Inet6Address target) {
    ByteBuf b = Unpooled.buffer();
    NdpFrames.writeSolicitation(b, mac, InetAddresses.high(from), InetAddresses.low(from),
        InetAddresses.high(target), InetAddresses.low(target));
    return b;
  }

  static Inet4Address v4(String s) {
    try {
      return (Inet4Address) InetAddress.getByName(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(s, e);
    }
  }

  static Inet6Address v6(String s) {
    try {
      return (Inet6Address) InetAddress.getByName(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(s, e);
    }
  }
}
