package dev.vipd.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Writers always produce valid frames; no byte mutation makes check or decode misbehave. */
class WirePropertiesTest {
  private static final List<String> GOLDEN = List.of("arp-request-arping", "arp-reply-kernel",
      "arp-garp-request", "ns-ndisc6", "ns-kernel-dad", "ns-kernel-nud", "na-kernel-solicited",
      "na-kernel-unsolicited");

  @Property
  void arpWritersProduceValidFramesThatRoundTrip(
      @ForAll("macs") long mac, @ForAll("macs") long other, @ForAll int ip, @ForAll int otherIp,
      @ForAll @IntRange(min = 0, max = 2) int kind) throws Exception {
    ByteBuf frame = Unpooled.buffer();
    switch (kind) {
      case 0 -> ArpFrames.writeReply(frame, mac, ip, other, otherIp);
      case 1 -> ArpFrames.writeAnnouncement(frame, mac, ip);
      default -> ArpFrames.writeRequest(frame, mac, ip, otherIp);
    }
    assertThat(ArpFrames.check(frame)).isEqualTo(FrameError.NONE);
    assertThat(ArpFrames.senderMac(frame)).isEqualTo(mac);
    assertThat(ArpFrames.senderIp(frame)).isEqualTo(ip);
    assertThat(reencodeArp(frame)).isEqualTo(Golden.toBytes(frame));
  }

  @Property
  void advertisementsAreValidAndRoundTrip(
      @ForAll("macs") long srcMac, @ForAll("macs") long dstMac, @ForAll long srcHi,
      @ForAll long srcLo, @ForAll("unicastHigh") long dstHi, @ForAll long dstLo,
      @ForAll("unicastHigh") long targetHi, @ForAll long targetLo,
      @ForAll @IntRange(min = 0, max = 7) int flagBits) throws Exception {
    ByteBuf frame = Unpooled.buffer();
    NdpFrames.writeAdvertisement(frame, srcMac, dstMac, srcHi, srcLo, dstHi, dstLo, targetHi,
        targetLo, flagBits << 5);
    assertThat(NdpFrames.check(frame)).isEqualTo(FrameError.NONE);
    assertThat(NdpFrames.advertisementFlags(frame)).isEqualTo(flagBits << 5);
    assertThat(NdpFrames.linkLayerOption(frame, 2)).isEqualTo(srcMac);
    ByteBuf out = Unpooled.buffer();
    NeighborAdvertisement.decode(frame).encode(out);
    assertThat(Golden.toBytes(out)).isEqualTo(Golden.toBytes(frame));

    ByteBuf unsolicited = Unpooled.buffer();
    NdpFrames.writeUnsolicitedAdvertisement(unsolicited, srcMac, targetHi, targetLo);
    assertThat(NdpFrames.check(unsolicited)).isEqualTo(FrameError.NONE);
  }

  @Property
  void solicitationsAreValidAndRoundTrip(
      @ForAll("macs") long srcMac, @ForAll long srcHi, @ForAll long srcLo,
      @ForAll("unicastHigh") long targetHi, @ForAll long targetLo, @ForAll boolean dad)
      throws Exception {
    ByteBuf frame = Unpooled.buffer();
    NdpFrames.writeSolicitation(frame, srcMac, dad ? 0 : srcHi, dad ? 0 : srcLo, targetHi,
        targetLo);
    assertThat(NdpFrames.check(frame)).isEqualTo(FrameError.NONE);
    assertThat(NdpFrames.ethernetDestination(frame))
        .isEqualTo(InetAddresses.solicitedNodeMulticastMac(targetLo));
    ByteBuf out = Unpooled.buffer();
    NeighborSolicitation.decode(frame).encode(out);
    assertThat(Golden.toBytes(out)).isEqualTo(Golden.toBytes(frame));
  }

  @Property(tries = 2000)
  void mutationsNeverThrowFromCheckAndOnlyMalformedFromDecode(
      @ForAll("golden") String name, @ForAll @Size(max = 6) List<@IntRange(max = 99) Integer> at,
      @ForAll @Size(max = 6) List<Byte> values, @ForAll @IntRange(min = -40, max = 40) int resize,
      @ForAll boolean fixChecksum) {
    byte[] frame = Golden.bytes(name);
    for (int i = 0; i < Math.min(at.size(), values.size()); i++) {
      frame[at.get(i) % frame.length] = values.get(i);
    }
    frame = java.util.Arrays.copyOf(frame, Math.max(0, frame.length + resize));
    if (fixChecksum && frame.length >= 58) {
      HostileFramesTest.fixChecksum(frame); // gets mutations past the checksum rule
    }
    ByteBuf buf = Unpooled.wrappedBuffer(frame);
    FrameError arp = ArpFrames.check(buf);
    FrameError ndp = NdpFrames.check(buf);
    assertDecodeAgrees(() -> ArpPacket.decode(buf), arp);
    assertDecodeAgrees(() -> NeighborSolicitation.decode(buf), ndp);
    assertDecodeAgrees(() -> NeighborAdvertisement.decode(buf), ndp);
    assertThat(buf.readerIndex()).isZero();
  }

  /** Decode fails only with MalformedFrameException, and with check's error when check fails. */
  private static void assertDecodeAgrees(Decoder decoder, FrameError checked) {
    try {
      decoder.decode();
      assertThat(checked).isEqualTo(FrameError.NONE);
    } catch (MalformedFrameException e) {
      if (checked != FrameError.NONE) {
        assertThat(e.error()).isEqualTo(checked);
      } else {
        assertThat(e.error()).isEqualTo(FrameError.UNKNOWN_ICMP_TYPE); // NS vs NA decoder
      }
    }
  }

  @FunctionalInterface
  interface Decoder {
    Object decode() throws MalformedFrameException;
  }

  private static byte[] reencodeArp(ByteBuf frame) throws MalformedFrameException {
    ByteBuf out = Unpooled.buffer();
    ArpPacket.decode(frame).encode(out);
    return Golden.toBytes(out);
  }

  @Provide
  Arbitrary<Long> macs() {
    return Arbitraries.longs().between(0, 0xffff_ffff_ffffL);
  }

  /** High halves outside ff00::/8 (targets and solicited destinations must be unicast). */
  @Provide
  Arbitrary<Long> unicastHigh() {
    return Arbitraries.longs().filter(hi -> (hi >>> 56) != 0xff);
  }

  @Provide
  Arbitrary<String> golden() {
    return Arbitraries.of(GOLDEN);
  }
}
