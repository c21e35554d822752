package dev.vipd.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Constructor validation and conversions of the records, enums and address helpers. */
class RecordsTest {
  private static final MacAddress MAC = MacAddress.parse("02:00:00:00:00:01");

  @Test
  void macAddressParsesPrintsAndConverts() {
    assertThat(MAC.value()).isEqualTo(0x02_00_00_00_00_01L);
    assertThat(MacAddress.parse("33:33:FF:00:00:0A")).hasToString("33:33:ff:00:00:0a");
    assertThat(MacAddress.of(MAC.toBytes())).isEqualTo(MAC);
    assertThat(MacAddress.BROADCAST.isMulticast()).isTrue();
    assertThat(MacAddress.parse("33:33:00:00:00:01").isMulticast()).isTrue();
    assertThat(MAC.isMulticast()).isFalse();
    assertThat(MacAddress.ZERO).hasToString("00:00:00:00:00:00");
    assertThatThrownBy(() -> MacAddress.parse("02:00:00:00:01"))
        .hasMessageContaining("invalid MAC address: \"02:00:00:00:01\"");
    assertThatThrownBy(() -> MacAddress.parse("02:00:00:00:00:g1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new MacAddress(1L << 48))
        .hasMessage("invalid MAC address: 0x1000000000000 (expected: 48 bits)");
  }

  @Test
  void enumsMapWireValues() {
    assertThat(EtherType.valueOf(0x86dd)).isEqualTo(EtherType.IPV6);
    assertThat(ArpOperation.valueOf(2)).isEqualTo(ArpOperation.REPLY);
    assertThat(Icmpv6Type.NEIGHBOR_ADVERTISEMENT.code()).isEqualTo(136);
    assertThat(NdpOptionType.valueOf(14)).isEqualTo(NdpOptionType.NONCE);
    assertThatThrownBy(() -> ArpOperation.valueOf(3)).hasMessage("unknown ARP operation: 3");
    assertThat(FrameError.BAD_CHECKSUM.reason()).isEqualTo("bad-checksum");
    assertThat(FrameError.NONE.reason()).isEqualTo("none");
  }

  @Test
  void inetAddressConversions() throws Exception {
    Inet4Address v4 = (Inet4Address) InetAddress.getByName("198.51.100.200");
    assertThat(InetAddresses.toInt(v4)).isEqualTo(0xc63364c8);
    assertThat(InetAddresses.ipv4(0xc63364c8)).isEqualTo(v4);
    Inet6Address v6 = (Inet6Address) InetAddress.getByName("2001:db8::1:2:3:4");
    assertThat(InetAddresses.high(v6)).isEqualTo(0x2001_0db8_0000_0000L);
    assertThat(InetAddresses.low(v6)).isEqualTo(0x0001_0002_0003_0004L);
    assertThat(InetAddresses.ipv6(0x2001_0db8_0000_0000L, 0x0001_0002_0003_0004L)).isEqualTo(v6);
    assertThat(InetAddresses.solicitedNodeMulticastMac(0x0001_0002_0003_0004L))
        .isEqualTo(0x3333_ff03_0004L);
  }

  @Test
  void solicitationRejectsWrongHopLimitAndDadWithSourceOption() throws Exception {
    Inet6Address any = v6("::");
    Inet6Address target = v6("2001:db8::3");
    EthernetHeader eth = new EthernetHeader(MacAddress.parse("33:33:ff:00:00:03"), MAC,
        EtherType.IPV6);
    Ipv6Header hop64 = new Ipv6Header(0, 0, 58, 64, v6("2001:db8::1"), v6("ff02::1:ff00:3"));
    assertThatThrownBy(() -> new NeighborSolicitation(eth, hop64, target, List.of()))
        .hasMessage("invalid hop limit: 64 (expected: 255)");
    Ipv6Header dad = Ipv6Header.forNdp(any, v6("ff02::1:ff00:3"));
    NdpOption slla = NdpOption.linkLayer(NdpOptionType.SOURCE_LINK_LAYER_ADDRESS, MAC);
    assertThatThrownBy(() -> new NeighborSolicitation(eth, dad, target, List.of(slla)))
        .hasMessageContaining("source link-layer option present");
    Ipv6Header wrongGroup = Ipv6Header.forNdp(any, v6("ff02::1:ff00:4"));
    assertThatThrownBy(() -> new NeighborSolicitation(eth, wrongGroup, target, List.of()))
        .hasMessageContaining("invalid destination: ff02:0:0:0:0:1:ff00:4");
    assertThat(new NeighborSolicitation(eth, dad, target, List.of()).isDuplicateAddressDetection())
        .isTrue();
  }

  @Test
  void advertisementRejectsMulticastTargetBadFlagsAndSolicitedToMulticast() throws Exception {
    EthernetHeader eth = new EthernetHeader(MacAddress.parse("33:33:00:00:00:01"), MAC,
        EtherType.IPV6);
    Ipv6Header toAll = Ipv6Header.forNdp(v6("2001:db8::1"), v6("ff02::1"));
    Inet6Address target = v6("2001:db8::1");
    assertThatThrownBy(() -> new NeighborAdvertisement(eth, toAll, 0x20, v6("ff02::1"), List.of()))
        .hasMessage("invalid target address: ff02:0:0:0:0:0:0:1 (expected: not multicast)");
    assertThatThrownBy(() -> new NeighborAdvertisement(eth, toAll, 0x21, target, List.of()))
        .hasMessageContaining("invalid flags: 0x21");
    assertThatThrownBy(() -> new NeighborAdvertisement(eth, toAll, 0x60, target, List.of()))
        .hasMessageContaining("expected: unicast for a solicited advertisement");
    NeighborAdvertisement ok = new NeighborAdvertisement(eth, toAll, 0x20, target,
        List.of(NdpOption.linkLayer(NdpOptionType.TARGET_LINK_LAYER_ADDRESS, MAC)));
    assertThat(ok.isOverride()).isTrue();
    assertThat(ok.targetLinkLayerAddress()).contains(MAC);
  }

  @Test
  void recordsRejectOutOfRangeFields() throws Exception {
    assertThatThrownBy(() -> new Ipv6Header(0, 0x10_0000, 58, 255, v6("::1"), v6("::2")))
        .hasMessage("invalid flow label: 1048576 (expected: 0-1048575)");
    assertThatThrownBy(() -> new NdpOption(1, new byte[5]))
        .hasMessageContaining("invalid option data length: 5");
    EthernetHeader ipv6 = new EthernetHeader(MacAddress.BROADCAST, MAC, EtherType.IPV6);
    Inet4Address ip = (Inet4Address) InetAddress.getByName("198.51.100.1");
    assertThatThrownBy(() -> new ArpPacket(ipv6, ArpOperation.REQUEST, MAC, ip, MAC, ip))
        .hasMessage("invalid EtherType: IPV6 (expected: ARP)");
    byte[] data = {1, 2, 3, 4, 5, 6};
    NdpOption option = new NdpOption(14, data);
    data[0] = 9;
    assertThat(option.data()[0]).isEqualTo((byte) 1); // defensive copy
    assertThat(option).isEqualTo(new NdpOption(14, new byte[] {1, 2, 3, 4, 5, 6}));
  }

  private static Inet6Address v6(String text) throws Exception {
    return (Inet6Address) InetAddress.getByName(text);
  }
}
