package dev.vipd.protocol.wire;

import static dev.vipd.protocol.wire.ArpFrames.readMac;
import static dev.vipd.protocol.wire.ArpFrames.writeMac;
import static dev.vipd.protocol.wire.WireConstants.ALL_NODES_HI;
import static dev.vipd.protocol.wire.WireConstants.ALL_NODES_LO;
import static dev.vipd.protocol.wire.WireConstants.ALL_NODES_MAC;
import static dev.vipd.protocol.wire.WireConstants.ETHERTYPE_IPV6;
import static dev.vipd.protocol.wire.WireConstants.ETH_DESTINATION;
import static dev.vipd.protocol.wire.WireConstants.ETH_MIN_FRAME;
import static dev.vipd.protocol.wire.WireConstants.ETH_SOURCE;
import static dev.vipd.protocol.wire.WireConstants.ETH_TYPE;
import static dev.vipd.protocol.wire.WireConstants.ICMP_CHECKSUM;
import static dev.vipd.protocol.wire.WireConstants.ICMP_CODE;
import static dev.vipd.protocol.wire.WireConstants.ICMP_NEIGHBOR_ADVERTISEMENT;
import static dev.vipd.protocol.wire.WireConstants.ICMP_NEIGHBOR_SOLICITATION;
import static dev.vipd.protocol.wire.WireConstants.ICMP_TYPE;
import static dev.vipd.protocol.wire.WireConstants.IP6_DESTINATION;
import static dev.vipd.protocol.wire.WireConstants.IP6_HOP_LIMIT;
import static dev.vipd.protocol.wire.WireConstants.IP6_NEXT_HEADER;
import static dev.vipd.protocol.wire.WireConstants.IP6_PAYLOAD;
import static dev.vipd.protocol.wire.WireConstants.IP6_PAYLOAD_LENGTH;
import static dev.vipd.protocol.wire.WireConstants.IP6_SOURCE;
import static dev.vipd.protocol.wire.WireConstants.IP6_VERSION;
import static dev.vipd.protocol.wire.WireConstants.IP6_VERSION_CLASS_FLOW;
import static dev.vipd.protocol.wire.WireConstants.LINK_LAYER_OPTION_LENGTH;
import static dev.vipd.protocol.wire.WireConstants.NDP_FIXED_LENGTH;
import static dev.vipd.protocol.wire.WireConstants.NDP_FLAGS;
import static dev.vipd.protocol.wire.WireConstants.NDP_HOP_LIMIT;
import static dev.vipd.protocol.wire.WireConstants.NDP_MIN_FRAME;
import static dev.vipd.protocol.wire.WireConstants.NDP_OPTIONS;
import static dev.vipd.protocol.wire.WireConstants.NDP_TARGET;
import static dev.vipd.protocol.wire.WireConstants.NEXT_HEADER_ICMPV6;
import static dev.vipd.protocol.wire.WireConstants.OPTION_SOURCE_LINK_LAYER;
import static dev.vipd.protocol.wire.WireConstants.OPTION_TARGET_LINK_LAYER;
import static dev.vipd.protocol.wire.WireConstants.OPTION_UNIT;
import static dev.vipd.protocol.wire.WireConstants.SOLICITED_NODE_HI;
import static dev.vipd.protocol.wire.WireConstants.SOLICITED_NODE_LO;
import static dev.vipd.protocol.wire.WireConstants.LOW_24_BITS;
import static dev.vipd.protocol.wire.WireConstants.isMulticast;
import static dev.vipd.protocol.wire.WireConstants.isSolicitedNodeGroupOf;
import static dev.vipd.protocol.wire.WireConstants.isUnspecified;

import io.netty.buffer.ByteBuf;

/**
 * Allocation-free reading and writing of Ethernet II + IPv6 (no extension headers) + ICMPv6
 * Neighbor Solicitation (135) and Neighbor Advertisement (136) frames, RFC 4861. Same conventions
 * as {@link ArpFrames}: absolute reads from the reader index, accessors valid after a clean
 * {@link #check}, writers append. IPv6 addresses are two {@code long}s, high and low half.
 */
public final class NdpFrames {
  /** Router flag of an advertisement (first byte after the checksum). */
  public static final int FLAG_ROUTER = 0x80;
  /** Solicited flag: the advertisement answers a solicitation. */
  public static final int FLAG_SOLICITED = 0x40;
  /** Override flag: receivers replace a cached link-layer address. */
  public static final int FLAG_OVERRIDE = 0x20;

  private NdpFrames() {}

  /**
   * The first rule the frame breaks (RFC 4861 7.1.1 and 7.1.2 validity checks), or {@link
   * FrameError#NONE}. Never throws, whatever the content or length.
   */
  public static FrameError check(ByteBuf frame) {
    int length = frame.readableBytes();
    int at = frame.readerIndex();
    if (length < IP6_PAYLOAD) {
      return length >= ETH_TYPE + 2 && frame.getUnsignedShort(at + ETH_TYPE) != ETHERTYPE_IPV6
          ? FrameError.BAD_ETHERTYPE
          : FrameError.TRUNCATED;
    }
    if (frame.getUnsignedShort(at + ETH_TYPE) != ETHERTYPE_IPV6) {
      return FrameError.BAD_ETHERTYPE;
    }
    if (frame.getUnsignedByte(at + IP6_VERSION_CLASS_FLOW) >>> 4 != IP6_VERSION) {
      return FrameError.BAD_IP_VERSION;
    }
    if (frame.getUnsignedByte(at + IP6_NEXT_HEADER) != NEXT_HEADER_ICMPV6) {
      return FrameError.NOT_ICMPV6;
    }
    if (length < ICMP_CODE + 1) {
      return FrameError.TRUNCATED;
    }
    int type = frame.getUnsignedByte(at + ICMP_TYPE);
    if (type != ICMP_NEIGHBOR_SOLICITATION && type != ICMP_NEIGHBOR_ADVERTISEMENT) {
      return FrameError.UNKNOWN_ICMP_TYPE;
    }
    if (frame.getUnsignedByte(at + ICMP_CODE) != 0) {
      return FrameError.BAD_ICMP_CODE;
    }
    if (frame.getUnsignedByte(at + IP6_HOP_LIMIT) != NDP_HOP_LIMIT) {
      return FrameError.BAD_HOP_LIMIT;
    }
    int icmpLength = frame.getUnsignedShort(at + IP6_PAYLOAD_LENGTH);
    if (icmpLength < NDP_FIXED_LENGTH) {
      return FrameError.BAD_PAYLOAD_LENGTH;
    }
    if (length < NDP_MIN_FRAME) {
      return FrameError.TRUNCATED;
    }
    int end = IP6_PAYLOAD + icmpLength;
    if (end > length) {
      return FrameError.BAD_PAYLOAD_LENGTH;
    }
    if (end < length && length > ETH_MIN_FRAME) {
      return FrameError.TRAILING_BYTES;
    }
    if (Checksums.icmpv6(frame, at, icmpLength) != 0) {
      return FrameError.BAD_CHECKSUM;
    }
    boolean sourceLinkLayer = false;
    for (int offset = NDP_OPTIONS; offset < end; ) {
      int optionLength = end - offset < 2 ? 0 : frame.getUnsignedByte(at + offset + 1) * OPTION_UNIT;
      if (optionLength == 0 || optionLength > end - offset) {
        return FrameError.BAD_OPTION_LENGTH;
      }
      sourceLinkLayer |= frame.getUnsignedByte(at + offset) == OPTION_SOURCE_LINK_LAYER;
      offset += optionLength;
    }
    long targetHi = frame.getLong(at + NDP_TARGET);
    if (isMulticast(targetHi)) {
      return FrameError.MULTICAST_TARGET;
    }
    long destinationHi = frame.getLong(at + IP6_DESTINATION);
    if (type == ICMP_NEIGHBOR_SOLICITATION) {
      if (isUnspecified(frame.getLong(at + IP6_SOURCE), frame.getLong(at + IP6_SOURCE + 8))) {
        if (sourceLinkLayer) {
          return FrameError.BAD_SOURCE;
        }
        long destinationLo = frame.getLong(at + IP6_DESTINATION + 8);
        if (!isSolicitedNodeGroupOf(destinationHi, destinationLo, frame.getLong(at + NDP_TARGET + 8))) {
          return FrameError.BAD_DESTINATION;
        }
      }
    } else if ((frame.getUnsignedByte(at + NDP_FLAGS) & FLAG_SOLICITED) != 0
        && isMulticast(destinationHi)) {
      return FrameError.BAD_DESTINATION;
    }
    return FrameError.NONE;
  }

  /** Describes what {@link #check} found, with the offending value (allocates: slow path only). */
  static String describe(FrameError error, ByteBuf frame) {
    int at = frame.readerIndex();
    int length = frame.readableBytes();
    return switch (error) {
      case TRUNCATED -> "truncated NDP frame: " + length + " bytes (expected: >= "
          + (length < IP6_PAYLOAD ? IP6_PAYLOAD : NDP_MIN_FRAME) + ")";
      case BAD_ETHERTYPE -> "invalid EtherType: "
          + ArpFrames.hex(frame.getUnsignedShort(at + ETH_TYPE)) + " (expected: 0x86dd)";
      case BAD_IP_VERSION -> "invalid IP version: "
          + (frame.getUnsignedByte(at + IP6_VERSION_CLASS_FLOW) >>> 4) + " (expected: 6)";
      case NOT_ICMPV6 -> "invalid next header: " + frame.getUnsignedByte(at + IP6_NEXT_HEADER)
          + " (expected: 58, ICMPv6, no extension headers)";
      case UNKNOWN_ICMP_TYPE -> "invalid ICMPv6 type: " + frame.getUnsignedByte(at + ICMP_TYPE)
          + " (expected: 135-136)";
      case BAD_ICMP_CODE -> "invalid ICMPv6 code: " + frame.getUnsignedByte(at + ICMP_CODE)
          + " (expected: 0)";
      case BAD_HOP_LIMIT -> "invalid hop limit: " + frame.getUnsignedByte(at + IP6_HOP_LIMIT)
          + " (expected: 255)";
      case BAD_PAYLOAD_LENGTH -> "invalid IPv6 payload length: "
          + frame.getUnsignedShort(at + IP6_PAYLOAD_LENGTH) + " (expected: "
          + NDP_FIXED_LENGTH + "-" + Math.max(NDP_FIXED_LENGTH, length - IP6_PAYLOAD) + ")";
      case TRAILING_BYTES -> "invalid NDP frame length: " + length + " bytes (expected: "
          + (IP6_PAYLOAD + frame.getUnsignedShort(at + IP6_PAYLOAD_LENGTH))
          + " from the IPv6 payload length)";
      case BAD_CHECKSUM -> "invalid ICMPv6 checksum: "
          + ArpFrames.hex(frame.getUnsignedShort(at + ICMP_CHECKSUM)) + " (expected: "
          + ArpFrames.hex(expectedChecksum(frame)) + ")";
      case BAD_OPTION_LENGTH -> "invalid NDP option length (expected: > 0 and inside the "
          + frame.getUnsignedShort(at + IP6_PAYLOAD_LENGTH) + "-byte packet)";
      case MULTICAST_TARGET -> "invalid target address: "
          + InetAddresses.ipv6(targetHi(frame), targetLo(frame)).getHostAddress()
          + " (expected: not multicast)";
      case BAD_SOURCE -> "invalid solicitation from the unspecified address: source link-layer"
          + " option present (expected: none)";
      case BAD_DESTINATION -> "invalid destination: "
          + InetAddresses.ipv6(destinationHi(frame), destinationLo(frame)).getHostAddress()
          + (icmpType(frame) == ICMP_NEIGHBOR_SOLICITATION
              ? " (expected: solicited-node group of the target for a solicitation from ::)"
              : " (expected: unicast for a solicited advertisement)");
      default -> "invalid NDP frame: " + error.reason();
    };
  }

  private static int expectedChecksum(ByteBuf frame) {
    int at = frame.readerIndex();
    int icmpLength = frame.getUnsignedShort(at + IP6_PAYLOAD_LENGTH);
    int stored = frame.getUnsignedShort(at + ICMP_CHECKSUM);
    // With the field set to zero the sum gives the right value; undo the stored field instead of
    // writing to the caller's buffer.
    int withField = ~Checksums.icmpv6(frame, at, icmpLength) & 0xffff;
    int sum = withField - stored;
    if (sum <= 0) {
      sum += 0xffff;
    }
    return ~sum & 0xffff;
  }

  public static int icmpType(ByteBuf f) {
    return f.getUnsignedByte(f.readerIndex() + ICMP_TYPE);
  }

  /** The R, S and O flags of an advertisement ({@code FLAG_*}); reserved bits cleared. */
  public static int advertisementFlags(ByteBuf f) {
    return f.getUnsignedByte(f.readerIndex() + NDP_FLAGS)
        & (FLAG_ROUTER | FLAG_SOLICITED | FLAG_OVERRIDE);
  }

  public static long sourceHi(ByteBuf f) {
    return f.getLong(f.readerIndex() + IP6_SOURCE);
  }

  public static long sourceLo(ByteBuf f) {
    return f.getLong(f.readerIndex() + IP6_SOURCE + 8);
  }

  public static long destinationHi(ByteBuf f) {
    return f.getLong(f.readerIndex() + IP6_DESTINATION);
  }

  public static long destinationLo(ByteBuf f) {
    return f.getLong(f.readerIndex() + IP6_DESTINATION + 8);
  }

  public static long targetHi(ByteBuf f) {
    return f.getLong(f.readerIndex() + NDP_TARGET);
  }

  public static long targetLo(ByteBuf f) {
    return f.getLong(f.readerIndex() + NDP_TARGET + 8);
  }

  public static long ethernetSource(ByteBuf f) {
    return readMac(f, f.readerIndex() + ETH_SOURCE);
  }

  public static long ethernetDestination(ByteBuf f) {
    return readMac(f, f.readerIndex() + ETH_DESTINATION);
  }

  /**
   * The MAC in the first option of {@code optionType} (1 = source, 2 = target link-layer address)
   * that is long enough to hold one, or -1 when there is none.
   */
  public static long linkLayerOption(ByteBuf f, int optionType) {
    int at = f.readerIndex();
    int end = Math.min(f.readableBytes(), IP6_PAYLOAD + f.getUnsignedShort(at + IP6_PAYLOAD_LENGTH));
    for (int offset = NDP_OPTIONS; offset + 2 <= end; ) {
      int optionLength = f.getUnsignedByte(at + offset + 1) * OPTION_UNIT;
      if (optionLength == 0 || optionLength > end - offset) {
        return -1;
      }
      if (f.getUnsignedByte(at + offset) == optionType) {
        return readMac(f, at + offset + 2);
      }
      offset += optionLength;
    }
    return -1;
  }

  /** A Neighbor Advertisement with a target link-layer option ({@code srcMac}) and checksum. */
  public static void writeAdvertisement(
      ByteBuf out, long srcMac, long dstMac, long srcHi, long srcLo, long dstHi, long dstLo,
      long targetHi, long targetLo, int flags) {
    int start = out.writerIndex();
    writeHeaders(out, dstMac, srcMac, 0, srcHi, srcLo, dstHi, dstLo,
        NDP_FIXED_LENGTH + LINK_LAYER_OPTION_LENGTH);
    out.writeByte(ICMP_NEIGHBOR_ADVERTISEMENT);
    out.writeByte(0);
    out.writeShort(0);
    out.writeInt((flags & 0xff) << 24);
    out.writeLong(targetHi);
    out.writeLong(targetLo);
    writeLinkLayerOption(out, OPTION_TARGET_LINK_LAYER, srcMac);
    writeChecksum(out, start);
  }

  /** Unsolicited advertisement (O flag only) from {@code target} to ff02::1, all nodes. */
  public static void writeUnsolicitedAdvertisement(
      ByteBuf out, long mac, long targetHi, long targetLo) {
    writeAdvertisement(out, mac, ALL_NODES_MAC, targetHi, targetLo, ALL_NODES_HI, ALL_NODES_LO,
        targetHi, targetLo, FLAG_OVERRIDE);
  }

  /**
   * Multicast solicitation to the target's solicited-node group, with a source link-layer option
   * unless the source is {@code ::} (duplicate address detection, RFC 4862 5.4.2).
   */
  public static void writeSolicitation(
      ByteBuf out, long srcMac, long srcHi, long srcLo, long targetHi, long targetLo) {
    int start = out.writerIndex();
    boolean withOption = !isUnspecified(srcHi, srcLo);
    writeHeaders(out, InetAddresses.solicitedNodeMulticastMac(targetLo), srcMac, 0, srcHi, srcLo,
        SOLICITED_NODE_HI, SOLICITED_NODE_LO | (targetLo & LOW_24_BITS),
        NDP_FIXED_LENGTH + (withOption ? LINK_LAYER_OPTION_LENGTH : 0));
    out.writeByte(ICMP_NEIGHBOR_SOLICITATION);
    out.writeByte(0);
    out.writeShort(0);
    out.writeInt(0);
    out.writeLong(targetHi);
    out.writeLong(targetLo);
    if (withOption) {
      writeLinkLayerOption(out, OPTION_SOURCE_LINK_LAYER, srcMac);
    }
    writeChecksum(out, start);
  }

  /** Ethernet and IPv6 headers, next header 58, hop limit 255. */
  static void writeHeaders(ByteBuf out, long dstMac, long srcMac, int classAndFlow,
      long srcHi, long srcLo, long dstHi, long dstLo, int payloadLength) {
    writeMac(out, dstMac);
    writeMac(out, srcMac);
    out.writeShort(ETHERTYPE_IPV6);
    out.writeInt((IP6_VERSION << 28) | (classAndFlow & 0x0fff_ffff));
    out.writeShort(payloadLength);
    out.writeByte(NEXT_HEADER_ICMPV6);
    out.writeByte(NDP_HOP_LIMIT);
    out.writeLong(srcHi);
    out.writeLong(srcLo);
    out.writeLong(dstHi);
    out.writeLong(dstLo);
  }

  private static void writeLinkLayerOption(ByteBuf out, int type, long mac) {
    out.writeByte(type);
    out.writeByte(LINK_LAYER_OPTION_LENGTH / OPTION_UNIT);
    writeMac(out, mac);
  }

  /** Fills in the checksum of the frame written from {@code start} to the writer index. */
  static void writeChecksum(ByteBuf out, int start) {
    int icmpLength = out.writerIndex() - start - IP6_PAYLOAD;
    out.setShort(start + ICMP_CHECKSUM, 0);
    out.setShort(start + ICMP_CHECKSUM, Checksums.icmpv6(out, start, icmpLength));
  }
}
