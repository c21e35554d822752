package dev.vipd.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broken frames derived from the golden captures: {@code check} names the expected rule, and the
 * records' {@code decode} throws {@link MalformedFrameException} with the same error.
 */
class HostileFramesTest {

  /** One hostile frame; {@code name} shows in the test report. */
  record Case(String name, byte[] frame, FrameError expected, boolean arp) {
    @Override
    public String toString() {
      return name + " -> " + expected.reason();
    }
  }

  static Stream<Case> arpCases() {
    List<Case> cases = new ArrayList<>();
    byte[] reply = Golden.bytes("arp-reply-kernel");
    for (int length = 0; length < ArpFrames.LENGTH; length++) {
      cases.add(arp("truncated to " + length, Arrays.copyOf(reply, length), FrameError.TRUNCATED));
    }
    cases.add(arp("IPv4 EtherType", set(reply, f -> f[13] = 0x00), FrameError.BAD_ETHERTYPE));
    cases.add(arp("hardware type 6", set(reply, f -> f[15] = 6), FrameError.BAD_HARDWARE_TYPE));
    cases.add(arp("protocol type IPv6",
        set(reply, f -> { f[16] = (byte) 0x86; f[17] = (byte) 0xdd; }),
        FrameError.BAD_PROTOCOL_TYPE));
    cases.add(arp("hardware length 8", set(reply, f -> f[18] = 8), FrameError.BAD_ADDRESS_LENGTH));
    cases.add(arp("protocol length 16", set(reply, f -> f[19] = 16),
        FrameError.BAD_ADDRESS_LENGTH));
    cases.add(arp("operation 0", set(reply, f -> f[21] = 0), FrameError.UNKNOWN_OPCODE));
    cases.add(arp("operation 3 (RARP)", set(reply, f -> f[21] = 3), FrameError.UNKNOWN_OPCODE));
    cases.add(arp("61 bytes", Arrays.copyOf(reply, 61), FrameError.TRAILING_BYTES));
    cases.add(arp("1500 bytes", Arrays.copyOf(reply, 1500), FrameError.TRAILING_BYTES));
    return cases.stream();
  }

  static Stream<Case> ndpCases() {
    List<Case> cases = new ArrayList<>();
    byte[] na = Golden.bytes("na-kernel-solicited");
    byte[] ns = Golden.bytes("ns-ndisc6");
    byte[] dad = Golden.bytes("ns-kernel-dad");
    for (int length = 0; length < na.length; length++) {
      // Below 78 bytes the fixed part is missing; from there the payload length overruns.
      FrameError expected = length < 78 ? FrameError.TRUNCATED : FrameError.BAD_PAYLOAD_LENGTH;
      cases.add(ndp("truncated to " + length, Arrays.copyOf(na, length), expected));
    }
    cases.add(ndp("ARP EtherType", set(na, f -> { f[12] = 0x08; f[13] = 0x06; }),
        FrameError.BAD_ETHERTYPE));
    cases.add(ndp("IP version 4", set(na, f -> f[14] = 0x40), FrameError.BAD_IP_VERSION));
    cases.add(ndp("next header TCP", set(na, f -> f[20] = 6), FrameError.NOT_ICMPV6));
    cases.add(ndp("hop-by-hop extension header", set(ns, f -> f[20] = 0), FrameError.NOT_ICMPV6));
    cases.add(ndp("echo request", set(na, f -> f[54] = (byte) 128), FrameError.UNKNOWN_ICMP_TYPE));
    cases.add(ndp("router advertisement", set(ns, f -> f[54] = (byte) 134),
        FrameError.UNKNOWN_ICMP_TYPE));
    cases.add(ndp("code 1", set(na, f -> f[55] = 1), FrameError.BAD_ICMP_CODE));
    cases.add(ndp("hop limit 64", set(na, f -> f[21] = 64), FrameError.BAD_HOP_LIMIT));
    cases.add(ndp("hop limit 254", set(ns, f -> f[21] = (byte) 254), FrameError.BAD_HOP_LIMIT));
    cases.add(ndp("payload length 16", set(na, f -> f[19] = 16), FrameError.BAD_PAYLOAD_LENGTH));
    cases.add(ndp("payload length 40, frame has 32", set(na, f -> f[19] = 40),
        FrameError.BAD_PAYLOAD_LENGTH));
    cases.add(ndp("payload length 24, option left over", set(na, f -> f[19] = 24),
        FrameError.TRAILING_BYTES));
    cases.add(ndp("trailing garbage", Arrays.copyOf(na, na.length + 4), FrameError.TRAILING_BYTES));
    cases.add(ndp("checksum off by one", set(na, f -> f[57]++), FrameError.BAD_CHECKSUM));
    cases.add(ndp("target changed, checksum not", set(ns, f -> f[77] = 9),
        FrameError.BAD_CHECKSUM));
    cases.add(ndp("flow label changed (not covered by the checksum)",
        set(ns, f -> f[17] = 1), FrameError.NONE));
    cases.add(ndp("option length 0", fixed(na, f -> f[79] = 0), FrameError.BAD_OPTION_LENGTH));
    cases.add(ndp("option overruns the packet", fixed(na, f -> f[79] = 2),
        FrameError.BAD_OPTION_LENGTH));
    cases.add(ndp("multicast target ff02::1", fixed(na, f -> {
      Arrays.fill(f, 62, 78, (byte) 0);
      f[62] = (byte) 0xff;
      f[63] = 0x02;
      f[77] = 1;
    }), FrameError.MULTICAST_TARGET));
    cases.add(ndp("solicitation from :: with SLLA", fixed(ns, f -> Arrays.fill(f, 22, 38, (byte) 0)),
        FrameError.BAD_SOURCE));
    cases.add(ndp("DAD solicitation to all nodes", fixed(dad, f -> {
      Arrays.fill(f, 38, 54, (byte) 0);
      f[38] = (byte) 0xff;
      f[39] = 0x02;
      f[53] = 1;
    }), FrameError.BAD_DESTINATION));
    cases.add(ndp("DAD solicitation to another target's group", fixed(dad, f -> f[53] = 9),
        FrameError.BAD_DESTINATION));
    cases.add(ndp("solicited advertisement to all nodes", fixed(na, f -> {
      Arrays.fill(f, 38, 54, (byte) 0);
      f[38] = (byte) 0xff;
      f[39] = 0x02;
      f[53] = 1;
    }), FrameError.BAD_DESTINATION));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource({"arpCases", "ndpCases"})
  void checkNamesTheBrokenRuleAndDecodeThrowsTheSame(Case c) {
    ByteBuf frame = Unpooled.wrappedBuffer(c.frame());
    FrameError actual = c.arp() ? ArpFrames.check(frame) : NdpFrames.check(frame);
    assertThat(actual).isEqualTo(c.expected());
    assertThat(frame.readerIndex()).isZero();
    if (c.expected() == FrameError.NONE) {
      return;
    }
    MalformedFrameException e = catchThrowableOfType(MalformedFrameException.class,
        () -> decode(frame, c.arp()));
    assertThat(e).as("decode must throw").isNotNull();
    assertThat(e.error()).isEqualTo(c.expected());
    assertThat(e.getMessage()).contains("(expected");
  }

  private static void decode(ByteBuf frame, boolean arp) throws MalformedFrameException {
    if (arp) {
      ArpPacket.decode(frame);
    } else if (frame.readableBytes() > 54 && frame.getUnsignedByte(54) == 136) {
      NeighborAdvertisement.decode(frame);
    } else {
      NeighborSolicitation.decode(frame);
    }
  }

  private static Case arp(String name, byte[] frame, FrameError expected) {
    return new Case("ARP " + name, frame, expected, true);
  }

  private static Case ndp(String name, byte[] frame, FrameError expected) {
    return new Case("NDP " + name, frame, expected, false);
  }

  static byte[] set(byte[] base, Consumer<byte[]> change) {
    byte[] copy = base.clone();
    change.accept(copy);
    return copy;
  }

  /** Applies the change, then recomputes the ICMPv6 checksum so a later rule is reached. */
  static byte[] fixed(byte[] base, Consumer<byte[]> change) {
    byte[] copy = set(base, change);
    fixChecksum(copy);
    return copy;
  }

  static void fixChecksum(byte[] frame) {
    ByteBuf buf = Unpooled.wrappedBuffer(frame);
    buf.setShort(56, 0);
    buf.setShort(56, Checksums.icmpv6(buf, 0, frame.length - 54));
  }
}
