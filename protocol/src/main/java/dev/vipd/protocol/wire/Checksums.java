package dev.vipd.protocol.wire;

import static dev.vipd.protocol.wire.WireConstants.IP6_PAYLOAD;
import static dev.vipd.protocol.wire.WireConstants.IP6_SOURCE;
import static dev.vipd.protocol.wire.WireConstants.NEXT_HEADER_ICMPV6;

import io.netty.buffer.ByteBuf;

/** The Internet checksum (RFC 1071) as ICMPv6 uses it (RFC 4443 2.3), without allocating. */
public final class Checksums {
  private Checksums() {}

  /**
   * The ICMPv6 checksum of the message that starts right after the IPv6 header of the Ethernet
   * frame at {@code frameStart}, over the pseudo-header (source, destination, length, next header
   * 58) and {@code icmpLength} bytes, with the checksum field as it is in the buffer. A message
   * whose checksum field is correct gives 0; write the result of a message whose field is 0.
   */
  public static int icmpv6(ByteBuf buf, int frameStart, int icmpLength) {
    long sum = 0;
    for (int i = IP6_SOURCE; i < IP6_PAYLOAD; i += 4) {
      sum += buf.getUnsignedInt(frameStart + i); // source and destination addresses
    }
    sum += icmpLength;
    sum += NEXT_HEADER_ICMPV6;
    sum += sumOf(buf, frameStart + IP6_PAYLOAD, icmpLength);
    return ~fold(sum) & 0xffff;
  }

  private static long sumOf(ByteBuf buf, int from, int length) {
    long sum = 0;
    int i = from;
    int end = from + length;
    for (; i + 4 <= end; i += 4) {
      sum += buf.getUnsignedInt(i);
    }
    for (; i + 2 <= end; i += 2) {
      sum += buf.getUnsignedShort(i);
    }
    if (i < end) {
      sum += buf.getUnsignedByte(i) << 8; // odd length: pad with a zero byte
    }
    return sum;
  }

  private static int fold(long sum) {
    while ((sum >>> 16) != 0) {
      sum = (sum & 0xffff) + (sum >>> 16);
    }
    return (int) sum;
  }
}
