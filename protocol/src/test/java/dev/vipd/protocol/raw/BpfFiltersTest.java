package dev.vipd.protocol.raw;

import static dev.vipd.protocol.raw.TestFrames.arp;
import static dev.vipd.protocol.raw.TestFrames.icmpv6;
import static dev.vipd.protocol.raw.TestFrames.ipv4;
import static dev.vipd.protocol.raw.TestFrames.ipv6;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.protocol.spi.SocketFilter;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class BpfFiltersTest {
  private static final int PASS = BpfFilters.ACCEPT;
  private static final int[] OWNED_V4 = {ipv4(10), ipv4(20)};
  private static final long[] OWNED_V6 = {0x10L, 0x20L};

  @Test
  void arpRequestForOwnedTargetPasses() {
    assertThat(run(BpfFilters.arp(OWNED_V4), arp(1, ipv4(2), ipv4(20)))).isEqualTo(PASS);
  }

  @Test
  void arpRequestForOtherTargetIsRejected() {
    assertThat(run(BpfFilters.arp(OWNED_V4), arp(1, ipv4(2), ipv4(11)))).isZero();
  }

  @Test
  void arpReplyClaimingOwnedSenderPasses() {
    assertThat(run(BpfFilters.arp(OWNED_V4), arp(2, ipv4(10), ipv4(2)))).isEqualTo(PASS);
  }

  @Test
  void gratuitousArpForOwnedAddressPasses() {
    assertThat(run(BpfFilters.arp(OWNED_V4), arp(1, ipv4(10), ipv4(10)))).isEqualTo(PASS);
  }

  @Test
  void nonArpFrameIsRejectedByArpFilter() {
    byte[] ns = icmpv6(255, 135, ipv6(0x10));
    assertThat(run(BpfFilters.arp(OWNED_V4), ns)).isZero();
  }

  @Test
  void truncatedArpFrameIsRejected() {
    byte[] frame = java.util.Arrays.copyOf(arp(1, ipv4(2), ipv4(10)), 40);
    assertThat(run(BpfFilters.arp(OWNED_V4), frame)).isZero();
  }

  @Test
  void neighborSolicitationForOwnedAddressPasses() {
    assertThat(run(BpfFilters.ndp(OWNED_V6), icmpv6(255, 135, ipv6(0x20)))).isEqualTo(PASS);
  }

  @Test
  void neighborAdvertisementForOwnedAddressPasses() {
    assertThat(run(BpfFilters.ndp(OWNED_V6), icmpv6(255, 136, ipv6(0x10)))).isEqualTo(PASS);
  }

  @Test
  void neighborSolicitationForOtherAddressIsRejected() {
    assertThat(run(BpfFilters.ndp(OWNED_V6), icmpv6(255, 135, ipv6(0x11)))).isZero();
  }

  @Test
  void hopLimitBelow255IsRejected() {
    assertThat(run(BpfFilters.ndp(OWNED_V6), icmpv6(64, 135, ipv6(0x10)))).isZero();
  }

  @Test
  void icmpv6EchoIsRejected() {
    assertThat(run(BpfFilters.ndp(OWNED_V6), icmpv6(255, 128, ipv6(0x10)))).isZero();
  }

  @Test
  void emptySetRejectsAll() {
    assertThat(run(BpfFilters.arp(new int[0]), arp(1, ipv4(2), ipv4(10)))).isZero();
    assertThat(run(BpfFilters.ndp(new long[0]), icmpv6(255, 135, ipv6(0x10)))).isZero();
    assertThat(run(BpfFilters.rejectAll(), arp(1, ipv4(2), ipv4(10)))).isZero();
  }

  @Test
  void largestArpSetThatFitsStillFilters() {
    int[] owned = IntStream.range(0, 1021).map(i -> 0x0a000000 + i).toArray();
    SocketFilter filter = BpfFilters.arp(owned);
    assertThat(filter.length()).isEqualTo(SocketFilter.MAX_INSTRUCTIONS);
    assertThat(run(filter, arp(1, ipv4(2), 0x0a000000 + 1020))).isEqualTo(PASS);
    assertThat(run(filter, arp(1, ipv4(2), ipv4(10)))).isZero();
  }

  @Test
  void oversizedArpSetPassesAllArp() {
    int[] owned = IntStream.range(0, 1022).map(i -> 0x0a000000 + i).toArray();
    SocketFilter filter = BpfFilters.arp(owned);
    assertThat(filter.length()).isLessThan(10);
    assertThat(run(filter, arp(1, ipv4(2), ipv4(11)))).isEqualTo(PASS);
    assertThat(run(filter, icmpv6(255, 135, ipv6(0x11)))).isZero();
  }

  @Test
  void oversizedNdpSetPassesAllNeighborDiscovery() {
    long[] owned = LongStream.range(0, 3000).toArray();
    SocketFilter filter = BpfFilters.ndp(owned);
    assertThat(filter.length()).isLessThan(20);
    assertThat(run(filter, icmpv6(255, 135, ipv6(0x7fffffff)))).isEqualTo(PASS);
    assertThat(run(filter, icmpv6(255, 128, ipv6(0x10)))).isZero();
  }

  @Test
  void duplicateAddressesAreEmittedOnce() {
    assertThat(BpfFilters.arp(new int[] {ipv4(10), ipv4(10)}).length())
        .isEqualTo(BpfFilters.arp(new int[] {ipv4(10)}).length());
  }

  @Test
  void ndpComparesOnlyLow32BitsOfTheOwnedAddress() {
    long owned = 0x1234_5678_0000_0010L;
    assertThat(run(BpfFilters.ndp(new long[] {owned}), icmpv6(255, 135, ipv6(0x10))))
        .isEqualTo(PASS);
  }

  private static int run(SocketFilter filter, byte[] frame) {
    return BpfInterpreter.run(filter, frame);
  }
}
