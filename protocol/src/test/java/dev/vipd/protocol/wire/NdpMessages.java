package dev.vipd.protocol.wire;

import static dev.vipd.protocol.wire.WireConstants.IP6_PAYLOAD;
import static dev.vipd.protocol.wire.WireConstants.IP6_PAYLOAD_LENGTH;
import static dev.vipd.protocol.wire.WireConstants.NDP_FIXED_LENGTH;
import static dev.vipd.protocol.wire.WireConstants.NDP_OPTIONS;

import io.netty.buffer.ByteBuf;
import java.net.Inet6Address;
import java.util.ArrayList;
import java.util.List;

/** What {@link NeighborSolicitation} and {@link NeighborAdvertisement} share. */
final class NdpMessages {
  private NdpMessages() {}

  /** Runs {@link NdpFrames#check} and requires the ICMPv6 type. */
  static void checkOrThrow(ByteBuf frame, Icmpv6Type expected) throws MalformedFrameException {
    FrameError error = NdpFrames.check(frame);
    if (error != FrameError.NONE) {
      throw new MalformedFrameException(error, NdpFrames.describe(error, frame));
    }
    int type = NdpFrames.icmpType(frame);
    if (type != expected.code()) {
      throw new MalformedFrameException(FrameError.UNKNOWN_ICMP_TYPE,
          "invalid ICMPv6 type: " + type + " (expected: " + expected.code() + ", " + expected + ")");
    }
  }

  static List<NdpOption> readOptions(ByteBuf frame) {
    int at = frame.readerIndex();
    int end = IP6_PAYLOAD + frame.getUnsignedShort(at + IP6_PAYLOAD_LENGTH);
    List<NdpOption> options = new ArrayList<>();
    for (int offset = NDP_OPTIONS; offset < end; ) {
      NdpOption option = NdpOption.read(frame, at + offset);
      options.add(option);
      offset += option.length();
    }
    return List.copyOf(options);
  }

  static Inet6Address target(ByteBuf frame) {
    return InetAddresses.ipv6(NdpFrames.targetHi(frame), NdpFrames.targetLo(frame));
  }

  /** The rules both messages share: EtherType, next header, hop limit, unicast target. */
  static void validate(EthernetHeader ethernet, Ipv6Header ip, Inet6Address target,
      List<NdpOption> options) {
    if (ethernet.etherType() != EtherType.IPV6) {
      throw new IllegalArgumentException(
          "invalid EtherType: " + ethernet.etherType() + " (expected: IPV6)");
    }
    if (ip.nextHeader() != WireConstants.NEXT_HEADER_ICMPV6) {
      throw new IllegalArgumentException(
          "invalid next header: " + ip.nextHeader() + " (expected: 58)");
    }
    if (ip.hopLimit() != WireConstants.NDP_HOP_LIMIT) {
      throw new IllegalArgumentException(
          "invalid hop limit: " + ip.hopLimit() + " (expected: 255)");
    }
    if (target.isMulticastAddress()) {
      throw new IllegalArgumentException(
          "invalid target address: " + target.getHostAddress() + " (expected: not multicast)");
    }
    int length = icmpLength(options);
    if (length > 0xffff) {
      throw new IllegalArgumentException(
          "invalid options: " + length + " bytes of ICMPv6 (expected: <= 65535)");
    }
  }

  static int icmpLength(List<NdpOption> options) {
    int length = NDP_FIXED_LENGTH;
    for (NdpOption option : options) {
      length += option.length();
    }
    return length;
  }

  /** Headers, the 24-byte fixed part, options, then the checksum filled in. */
  static void encode(ByteBuf out, EthernetHeader ethernet, Ipv6Header ip, Icmpv6Type type,
      int flags, Inet6Address target, List<NdpOption> options) {
    int start = out.writerIndex();
    ethernet.encode(out);
    ip.encode(out, icmpLength(options));
    out.writeByte(type.code());
    out.writeByte(0);
    out.writeShort(0);
    out.writeInt(flags << 24);
    out.writeLong(InetAddresses.high(target));
    out.writeLong(InetAddresses.low(target));
    for (NdpOption option : options) {
      option.encode(out);
    }
    NdpFrames.writeChecksum(out, start);
  }

  static boolean has(List<NdpOption> options, NdpOptionType type) {
    for (NdpOption option : options) {
      if (option.type() == type.code()) {
        return true;
      }
    }
    return false;
  }
}
