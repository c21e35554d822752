package dev.vipd.protocol;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The wire check's probes against a real {@link Responder} as the owner (in-memory sockets): an
 * ARP probe from 0.0.0.0 and an NS from a link-local address are answered unicast to the
 * checker, an NS from {@code ::} to all nodes, and the checker reads who answered; the checker's
 * own responder, not owning the VIP, answers no probe; frames that are no answer read as -1.
 */
class WireProbesTest {
  private static final long OWNER_MAC = 0x02_00_00_00_00_01L;
  private static final long CHECKER_MAC = 0x02_00_00_00_00_02L;
  private static final long LINK_LOCAL_HI = 0xfe80_0000_0000_0000L;
  private static final long LINK_LOCAL_LO = 0x0000_00ff_fe00_0002L;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final FakeL2Socket arp = new FakeL2Socket(OWNER_MAC);
  private final FakeL2Socket ndp = new FakeL2Socket(OWNER_MAC);
  private Inet4Address vip;
  private Inet6Address vip6;
  private Responder owner;

  @BeforeEach
  void setUp() throws Exception {
    vip = (Inet4Address) InetAddress.getByName("198.51.100.100");
    vip6 = (Inet6Address) InetAddress.getByName("2001:db8::100");
    owner = new Responder("eth0", registry, new FrameDrops(registry, "eth0"), now::get,
        ConflictListener.IGNORE);
    owner.attach(arp, ndp);
    owner.setOwned(AddressSet.of(Set.of(vip, vip6)));
  }

  private static ByteBuf frame(byte[] bytes) {
    return Unpooled.wrappedBuffer(bytes);
  }

  @Test
  void anArpProbeFromNoAddressIsAnsweredUnicastAndReadsAsTheOwnersMac() {
    ByteBuf probe = Unpooled.buffer();
    WireProbes.writeArpProbe(probe, CHECKER_MAC, 0, InetAddresses.toInt(vip));
    assertThat(ArpFrames.senderIp(probe)).isZero();

    assertThat(owner.handleArp(probe)).isEqualTo(Verdict.ANSWERED);
    ByteBuf reply = frame(arp.sent.get(0));
    assertThat(ArpFrames.ethernetDestination(reply)).isEqualTo(CHECKER_MAC);
    assertThat(ArpFrames.senderIp(reply)).isEqualTo(InetAddresses.toInt(vip));
    assertThat(WireProbes.arpAnswerer(reply, CHECKER_MAC)).isEqualTo(OWNER_MAC);
    assertThat(WireProbes.arpAnswerer(reply, 0x02_00_00_00_00_03L)).as("not ours").isEqualTo(-1);
    assertThat(WireProbes.arpAnswerer(probe, CHECKER_MAC)).as("a request").isEqualTo(-1);
    assertThat(WireProbes.arpAnswerer(Unpooled.wrappedBuffer(new byte[20]), CHECKER_MAC))
        .as("truncated").isEqualTo(-1);
  }

  @Test
  void aConfiguredSourceAddressIsTheSenderAndIsAnsweredToo() throws Exception {
    ByteBuf probe = Unpooled.buffer();
    int source = InetAddresses.toInt((Inet4Address) InetAddress.getByName("198.51.100.254"));
    WireProbes.writeArpProbe(probe, CHECKER_MAC, source, InetAddresses.toInt(vip));
    assertThat(owner.handleArp(probe)).isEqualTo(Verdict.ANSWERED);
    assertThat(ArpFrames.targetIp(frame(arp.sent.get(0)))).isEqualTo(source);
  }

  @Test
  void anNsFromTheLinkLocalAddressIsAnsweredUnicastAndReadsAsTheOwnersMac() {
    ByteBuf probe = Unpooled.buffer();
    WireProbes.writeNdpProbe(probe, CHECKER_MAC, LINK_LOCAL_HI, LINK_LOCAL_LO,
        InetAddresses.high(vip6), InetAddresses.low(vip6));
    assertThat(owner.handleNdp(probe)).isEqualTo(Verdict.ANSWERED);
    ByteBuf na = frame(ndp.sent.get(0));
    assertThat(NdpFrames.ethernetDestination(na)).isEqualTo(CHECKER_MAC);
    assertThat(NdpFrames.destinationHi(na)).isEqualTo(LINK_LOCAL_HI);
    assertThat(NdpFrames.targetLo(na)).isEqualTo(InetAddresses.low(vip6));
    assertThat(WireProbes.ndpAnswerer(na)).isEqualTo(OWNER_MAC);
    assertThat(WireProbes.ndpAnswerer(probe)).as("a solicitation").isEqualTo(-1);
  }

  @Test
  void anNsFromTheUnspecifiedAddressIsAnsweredToAllNodes() {
    ByteBuf probe = Unpooled.buffer();
    WireProbes.writeNdpProbe(probe, CHECKER_MAC, 0, 0, InetAddresses.high(vip6),
        InetAddresses.low(vip6));
    assertThat(owner.handleNdp(probe)).isEqualTo(Verdict.ANSWERED);
    ByteBuf na = frame(ndp.sent.get(0));
    assertThat(NdpFrames.destinationHi(na)).isEqualTo(0xff02_0000_0000_0000L);
    assertThat(WireProbes.ndpAnswerer(na)).isEqualTo(OWNER_MAC);
  }

  @Test
  void theCheckersOwnResponderDoesNotAnswerItsProbe() {
    FakeL2Socket checkerArp = new FakeL2Socket(CHECKER_MAC);
    FakeL2Socket checkerNdp = new FakeL2Socket(CHECKER_MAC);
    SimpleMeterRegistry own = new SimpleMeterRegistry();
    Responder checker = new Responder("eth0", own, new FrameDrops(own, "eth0"),
        now::get, ConflictListener.IGNORE);
    checker.attach(checkerArp, checkerNdp);
    checker.setOwned(AddressSet.of(Set.of()));
    ByteBuf probe = Unpooled.buffer();
    WireProbes.writeArpProbe(probe, CHECKER_MAC, 0, InetAddresses.toInt(vip));
    assertThat(checker.handleArp(probe)).isEqualTo(Verdict.NOT_OWNED);
    assertThat(checkerArp.sent).isEmpty();
  }
}
