package dev.vipd.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** NS/NA frames captured from ndisc6 and the Linux kernel (see golden/capture.sh). */
class NdpGoldenTest {
  static final long MAC_A = 0x02_00_00_00_00_01L;
  static final long MAC_B = 0x02_00_00_00_00_02L;
  static final long DOC_HI = 0x2001_0db8_0000_0000L; // 2001:db8::/64
  static final long LINK_LOCAL_HI = 0xfe80_0000_0000_0000L;
  static final long LINK_LOCAL_A_LO = 0x0000_00ff_fe00_0001L; // fe80::ff:fe00:1 (EUI-64 of MAC_A)

  @ParameterizedTest
  @ValueSource(strings = {"ns-ndisc6", "ns-kernel-dad", "ns-kernel-nud"})
  void capturedSolicitationsPassCheckAndRoundTrip(String name) throws Exception {
    ByteBuf frame = Golden.frame(name);
    assertThat(NdpFrames.check(frame)).isEqualTo(FrameError.NONE);
    ByteBuf out = Unpooled.buffer();
    NeighborSolicitation.decode(frame).encode(out);
    assertThat(Golden.toBytes(out)).isEqualTo(Golden.bytes(name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"na-kernel-solicited", "na-kernel-unsolicited"})
  void capturedAdvertisementsPassCheckAndRoundTrip(String name) throws Exception {
    ByteBuf frame = Golden.frame(name);
    assertThat(NdpFrames.check(frame)).isEqualTo(FrameError.NONE);
    ByteBuf out = Unpooled.buffer();
    NeighborAdvertisement.decode(frame).encode(out);
    assertThat(Golden.toBytes(out)).isEqualTo(Golden.bytes(name));
  }

  @Test
  void multicastSolicitationFromNdisc6() throws Exception {
    ByteBuf frame = Golden.frame("ns-ndisc6");
    NeighborSolicitation ns = NeighborSolicitation.decode(frame);
    assertThat(ns.ethernet().destination()).isEqualTo(MacAddress.parse("33:33:ff:00:00:02"));
    assertThat(ns.ip().flowLabel()).isEqualTo(0x970ef); // ndisc6's socket sets a flow label
    assertThat(ns.ip().hopLimit()).isEqualTo(255);
    assertThat(ns.ip().source()).isEqualTo(ip("fe80::ff:fe00:1"));
    assertThat(ns.ip().destination()).isEqualTo(ip("ff02::1:ff00:2"));
    assertThat(ns.target()).isEqualTo(ip("2001:db8::2"));
    assertThat(ns.sourceLinkLayerAddress()).contains(MacAddress.of(MAC_A));
    assertThat(ns.isDuplicateAddressDetection()).isFalse();
    assertThat(NdpFrames.icmpType(frame)).isEqualTo(135);
    assertThat(NdpFrames.targetHi(frame)).isEqualTo(DOC_HI);
    assertThat(NdpFrames.targetLo(frame)).isEqualTo(2L);
    assertThat(NdpFrames.linkLayerOption(frame, 1)).isEqualTo(MAC_A);
    assertThat(NdpFrames.linkLayerOption(frame, 2)).isEqualTo(-1L);

    // Our writer: same solicitation, but flow label 0 (so a different checksum).
    ByteBuf ours = Unpooled.buffer();
    NdpFrames.writeSolicitation(ours, MAC_A, LINK_LOCAL_HI, LINK_LOCAL_A_LO, DOC_HI, 2L);
    NeighborSolicitation written = NeighborSolicitation.decode(ours);
    assertThat(written.ip()).isEqualTo(Ipv6Header.forNdp(ns.ip().source(), ns.ip().destination()));
    assertThat(written.ethernet()).isEqualTo(ns.ethernet());
    assertThat(written.target()).isEqualTo(ns.target());
    assertThat(written.options()).isEqualTo(ns.options());
  }

  @Test
  void ourAdvertisementIsByteForByteTheKernelsSolicitedAnswer() throws Exception {
    ByteBuf kernel = Golden.frame("na-kernel-solicited");
    NeighborAdvertisement na = NeighborAdvertisement.decode(kernel);
    assertThat(na.flags()).isEqualTo(NdpFrames.FLAG_SOLICITED | NdpFrames.FLAG_OVERRIDE);
    assertThat(na.isSolicited()).isTrue();
    assertThat(na.isRouter()).isFalse();
    assertThat(na.ip().source()).isEqualTo(ip("2001:db8::2"));
    assertThat(na.ip().destination()).isEqualTo(ip("fe80::ff:fe00:1"));
    assertThat(na.target()).isEqualTo(ip("2001:db8::2"));
    assertThat(na.targetLinkLayerAddress()).contains(MacAddress.of(MAC_B));
    assertThat(NdpFrames.advertisementFlags(kernel)).isEqualTo(0x60);
    assertThat(NdpFrames.linkLayerOption(kernel, 2)).isEqualTo(MAC_B);

    ByteBuf ours = Unpooled.buffer();
    NdpFrames.writeAdvertisement(ours, MAC_B, MAC_A, DOC_HI, 2L, LINK_LOCAL_HI, LINK_LOCAL_A_LO,
        DOC_HI, 2L, NdpFrames.FLAG_SOLICITED | NdpFrames.FLAG_OVERRIDE);
    assertThat(Golden.toBytes(ours)).isEqualTo(Golden.bytes("na-kernel-solicited"));
  }

  @Test
  void ourUnsolicitedAdvertisementIsByteForByteTheKernels() throws Exception {
    NeighborAdvertisement na = NeighborAdvertisement.decode(Golden.frame("na-kernel-unsolicited"));
    assertThat(na.flags()).isEqualTo(NdpFrames.FLAG_OVERRIDE);
    assertThat(na.ip().destination()).isEqualTo(ip("ff02::1"));
    assertThat(na.ip().source()).isEqualTo(na.target());

    ByteBuf ours = Unpooled.buffer();
    NdpFrames.writeUnsolicitedAdvertisement(ours, MAC_B, DOC_HI, 4L);
    assertThat(Golden.toBytes(ours)).isEqualTo(Golden.bytes("na-kernel-unsolicited"));
  }

  @Test
  void kernelDadSolicitationCarriesANonceButNoSourceLinkLayerAddress() throws Exception {
    NeighborSolicitation dad = NeighborSolicitation.decode(Golden.frame("ns-kernel-dad"));
    assertThat(dad.isDuplicateAddressDetection()).isTrue();
    assertThat(dad.ip().destination()).isEqualTo(ip("ff02::1:ff00:3"));
    assertThat(dad.target()).isEqualTo(ip("2001:db8::3"));
    assertThat(dad.sourceLinkLayerAddress()).isEmpty();
    // RFC 7527 enhanced DAD: the kernel adds a random nonce option; we keep it as it is.
    assertThat(dad.options()).singleElement()
        .satisfies(o -> assertThat(o.type()).isEqualTo(NdpOptionType.NONCE.code()));

    ByteBuf ours = Unpooled.buffer();
    NdpFrames.writeSolicitation(ours, MAC_B, 0L, 0L, DOC_HI, 3L);
    NeighborSolicitation written = NeighborSolicitation.decode(ours);
    assertThat(written).isEqualTo(new NeighborSolicitation(dad.ethernet(), dad.ip(),
        dad.target(), List.of()));
  }

  @Test
  void kernelNudProbeIsUnicastWithSourceLinkLayerAddress() throws Exception {
    ByteBuf frame = Golden.frame("ns-kernel-nud");
    NeighborSolicitation nud = NeighborSolicitation.decode(frame);
    assertThat(nud.ethernet().destination().value()).isEqualTo(MAC_B);
    assertThat(nud.ip().destination()).isEqualTo(ip("fe80::ff:fe00:2"));
    assertThat(nud.target()).isEqualTo(nud.ip().destination());
    assertThat(nud.sourceLinkLayerAddress()).contains(MacAddress.of(MAC_A));
    assertThat(NdpFrames.destinationHi(frame)).isEqualTo(LINK_LOCAL_HI);
    assertThat(NdpFrames.sourceLo(frame)).isEqualTo(LINK_LOCAL_A_LO);
    assertThat(NdpFrames.ethernetSource(frame)).isEqualTo(MAC_A);
  }

  static Inet6Address ip(String text) throws Exception {
    InetAddress a = InetAddress.getByName(text);
    return (Inet6Address) a;
  }
}
