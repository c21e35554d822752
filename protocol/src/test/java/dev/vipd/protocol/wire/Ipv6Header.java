package dev.vipd.protocol.wire;

import static dev.vipd.protocol.wire.WireConstants.IP6_HOP_LIMIT;
import static dev.vipd.protocol.wire.WireConstants.IP6_NEXT_HEADER;
import static dev.vipd.protocol.wire.WireConstants.IP6_VERSION;
import static dev.vipd.protocol.wire.WireConstants.IP6_VERSION_CLASS_FLOW;

import io.netty.buffer.ByteBuf;
import java.net.Inet6Address;
import java.util.Objects;

/**
 * The fixed IPv6 header (RFC 8200) without its payload length, which the enclosing message
 * computes when it encodes.
 */
public record Ipv6Header(
    int trafficClass, int flowLabel, int nextHeader, int hopLimit, Inet6Address source,
    Inet6Address destination) {

  public Ipv6Header {
    if (trafficClass < 0 || trafficClass > 0xff) {
      throw new IllegalArgumentException(
          "invalid traffic class: " + trafficClass + " (expected: 0-255)");
    }
    if (flowLabel < 0 || flowLabel > 0xf_ffff) {
      throw new IllegalArgumentException(
          "invalid flow label: " + flowLabel + " (expected: 0-1048575)");
    }
    if (nextHeader < 0 || nextHeader > 0xff) {
      throw new IllegalArgumentException(
          "invalid next header: " + nextHeader + " (expected: 0-255)");
    }
    if (hopLimit < 0 || hopLimit > 0xff) {
      throw new IllegalArgumentException("invalid hop limit: " + hopLimit + " (expected: 0-255)");
    }
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(destination, "destination");
  }

  /** What Neighbor Discovery sends: class and flow label 0, ICMPv6, hop limit 255. */
  public static Ipv6Header forNdp(Inet6Address source, Inet6Address destination) {
    return new Ipv6Header(0, 0, WireConstants.NEXT_HEADER_ICMPV6, WireConstants.NDP_HOP_LIMIT,
        source, destination);
  }

  /** Reads the header of a frame that {@link NdpFrames#check} accepted. */
  static Ipv6Header read(ByteBuf frame) {
    int word = frame.getInt(frame.readerIndex() + IP6_VERSION_CLASS_FLOW);
    return new Ipv6Header((word >>> 20) & 0xff, word & 0xf_ffff,
        frame.getUnsignedByte(frame.readerIndex() + IP6_NEXT_HEADER),
        frame.getUnsignedByte(frame.readerIndex() + IP6_HOP_LIMIT),
        InetAddresses.ipv6(NdpFrames.sourceHi(frame), NdpFrames.sourceLo(frame)),
        InetAddresses.ipv6(NdpFrames.destinationHi(frame), NdpFrames.destinationLo(frame)));
  }

  /** Appends the 40-byte header. */
  public void encode(ByteBuf out, int payloadLength) {
    if (payloadLength < 0 || payloadLength > 0xffff) {
      throw new IllegalArgumentException(
          "invalid payload length: " + payloadLength + " (expected: 0-65535)");
    }
    out.writeInt((IP6_VERSION << 28) | (trafficClass << 20) | flowLabel);
    out.writeShort(payloadLength);
    out.writeByte(nextHeader);
    out.writeByte(hopLimit);
    out.writeLong(InetAddresses.high(source));
    out.writeLong(InetAddresses.low(source));
    out.writeLong(InetAddresses.high(destination));
    out.writeLong(InetAddresses.low(destination));
  }
}
