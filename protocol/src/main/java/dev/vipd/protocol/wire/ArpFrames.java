package dev.vipd.protocol.wire;

import static dev.vipd.protocol.wire.WireConstants.ARP_FRAME_LENGTH;
import static dev.vipd.protocol.wire.WireConstants.ARP_HLEN;
import static dev.vipd.protocol.wire.WireConstants.ARP_HLEN_ETHERNET;
import static dev.vipd.protocol.wire.WireConstants.ARP_HTYPE;
import static dev.vipd.protocol.wire.WireConstants.ARP_HTYPE_ETHERNET;
import static dev.vipd.protocol.wire.WireConstants.ARP_OPERATION;
import static dev.vipd.protocol.wire.WireConstants.ARP_PLEN;
import static dev.vipd.protocol.wire.WireConstants.ARP_PLEN_IPV4;
import static dev.vipd.protocol.wire.WireConstants.ARP_PTYPE;
import static dev.vipd.protocol.wire.WireConstants.ARP_REPLY;
import static dev.vipd.protocol.wire.WireConstants.ARP_REQUEST;
import static dev.vipd.protocol.wire.WireConstants.ARP_SHA;
import static dev.vipd.protocol.wire.WireConstants.ARP_SPA;
import static dev.vipd.protocol.wire.WireConstants.ARP_THA;
import static dev.vipd.protocol.wire.WireConstants.ARP_TPA;
import static dev.vipd.protocol.wire.WireConstants.BROADCAST_MAC;
import static dev.vipd.protocol.wire.WireConstants.ETHERTYPE_ARP;
import static dev.vipd.protocol.wire.WireConstants.ETHERTYPE_IPV4;
import static dev.vipd.protocol.wire.WireConstants.ETH_DESTINATION;
import static dev.vipd.protocol.wire.WireConstants.ETH_HEADER_LENGTH;
import static dev.vipd.protocol.wire.WireConstants.ETH_MIN_FRAME;
import static dev.vipd.protocol.wire.WireConstants.ETH_SOURCE;
import static dev.vipd.protocol.wire.WireConstants.ETH_TYPE;

import io.netty.buffer.ByteBuf;

/**
 * Allocation-free reading and writing of Ethernet II + ARP frames for IPv4 over Ethernet (RFC 826,
 * and the announcement forms of RFC 5227). Readers take the frame as the readable bytes of a
 * buffer, read at absolute offsets from its reader index and never move its indices; accessors
 * assume {@link #check} returned {@link FrameError#NONE}. Writers append at the writer index.
 * MAC addresses are 48-bit {@code long} values, IPv4 addresses {@code int} values (network order).
 */
public final class ArpFrames {
  /** Length of an unpadded Ethernet + ARP frame. */
  public static final int LENGTH = ARP_FRAME_LENGTH;

  private ArpFrames() {}

  /**
   * The first rule the frame breaks, or {@link FrameError#NONE}. Accepts 42 to 60 bytes (anything
   * past 42 is Ethernet padding and ignored); never throws for any content or length.
   */
  public static FrameError check(ByteBuf frame) {
    int length = frame.readableBytes();
    int at = frame.readerIndex();
    if (length < ETH_HEADER_LENGTH) {
      return FrameError.TRUNCATED;
    }
    if (frame.getUnsignedShort(at + ETH_TYPE) != ETHERTYPE_ARP) {
      return FrameError.BAD_ETHERTYPE;
    }
    if (length < ARP_FRAME_LENGTH) {
      return FrameError.TRUNCATED;
    }
    if (frame.getUnsignedShort(at + ARP_HTYPE) != ARP_HTYPE_ETHERNET) {
      return FrameError.BAD_HARDWARE_TYPE;
    }
    if (frame.getUnsignedShort(at + ARP_PTYPE) != ETHERTYPE_IPV4) {
      return FrameError.BAD_PROTOCOL_TYPE;
    }
    if (frame.getUnsignedByte(at + ARP_HLEN) != ARP_HLEN_ETHERNET
        || frame.getUnsignedByte(at + ARP_PLEN) != ARP_PLEN_IPV4) {
      return FrameError.BAD_ADDRESS_LENGTH;
    }
    int operation = frame.getUnsignedShort(at + ARP_OPERATION);
    if (operation != ARP_REQUEST && operation != ARP_REPLY) {
      return FrameError.UNKNOWN_OPCODE;
    }
    if (length > ETH_MIN_FRAME) {
      return FrameError.TRAILING_BYTES;
    }
    return FrameError.NONE;
  }

  /** Describes what {@link #check} found, with the offending value (allocates: slow path only). */
  static String describe(FrameError error, ByteBuf frame) {
    int at = frame.readerIndex();
    int length = frame.readableBytes();
    return switch (error) {
      case TRUNCATED -> "truncated ARP frame: " + length + " bytes (expected: >= "
          + (length < ETH_HEADER_LENGTH ? ETH_HEADER_LENGTH : ARP_FRAME_LENGTH) + ")";
      case BAD_ETHERTYPE -> "invalid EtherType: " + hex(frame.getUnsignedShort(at + ETH_TYPE))
          + " (expected: 0x0806)";
      case BAD_HARDWARE_TYPE -> "invalid ARP hardware type: "
          + frame.getUnsignedShort(at + ARP_HTYPE) + " (expected: 1)";
      case BAD_PROTOCOL_TYPE -> "invalid ARP protocol type: "
          + hex(frame.getUnsignedShort(at + ARP_PTYPE)) + " (expected: 0x0800)";
      case BAD_ADDRESS_LENGTH -> "invalid ARP address lengths: "
          + frame.getUnsignedByte(at + ARP_HLEN) + "/" + frame.getUnsignedByte(at + ARP_PLEN)
          + " (expected: 6/4)";
      case UNKNOWN_OPCODE -> "invalid ARP operation: " + frame.getUnsignedShort(at + ARP_OPERATION)
          + " (expected: 1-2)";
      case TRAILING_BYTES -> "invalid ARP frame length: " + length + " bytes (expected: 42-60)";
      default -> "invalid ARP frame: " + error.reason();
    };
  }

  static String hex(int value) {
    return String.format("0x%04x", value);
  }

  public static int operation(ByteBuf f) {
    return f.getUnsignedShort(f.readerIndex() + ARP_OPERATION);
  }

  public static long senderMac(ByteBuf f) {
    return readMac(f, f.readerIndex() + ARP_SHA);
  }

  public static int senderIp(ByteBuf f) {
    return f.getInt(f.readerIndex() + ARP_SPA);
  }

  public static long targetMac(ByteBuf f) {
    return readMac(f, f.readerIndex() + ARP_THA);
  }

  public static int targetIp(ByteBuf f) {
    return f.getInt(f.readerIndex() + ARP_TPA);
  }

  public static long ethernetSource(ByteBuf f) {
    return readMac(f, f.readerIndex() + ETH_SOURCE);
  }

  public static long ethernetDestination(ByteBuf f) {
    return readMac(f, f.readerIndex() + ETH_DESTINATION);
  }

  /** Unicast reply from us to the requester: who-has requesterIp, ourIp is-at ourMac. */
  public static void writeReply(
      ByteBuf out, long ourMac, int ourIp, long requesterMac, int requesterIp) {
    write(out, requesterMac, ourMac, ARP_REPLY, ourMac, ourIp, requesterMac, requesterIp);
  }

  /**
   * Gratuitous ARP in request form (RFC 5227 2.3 announcement): broadcast, sender and target
   * protocol address both {@code ip}, target hardware address zero.
   */
  public static void writeAnnouncement(ByteBuf out, long mac, int ip) {
    write(out, BROADCAST_MAC, mac, ARP_REQUEST, mac, ip, 0L, ip);
  }

  /** Broadcast who-has request with a zero target hardware address. */
  public static void writeRequest(ByteBuf out, long senderMac, int senderIp, int targetIp) {
    write(out, BROADCAST_MAC, senderMac, ARP_REQUEST, senderMac, senderIp, 0L, targetIp);
  }

  /** Writes one unpadded 42-byte frame with any field values (used by the records too). */
  static void write(
      ByteBuf out,
      long ethernetDestination,
      long ethernetSource,
      int operation,
      long senderMac,
      int senderIp,
      long targetMac,
      int targetIp) {
    writeMac(out, ethernetDestination);
    writeMac(out, ethernetSource);
    out.writeShort(ETHERTYPE_ARP);
    out.writeShort(ARP_HTYPE_ETHERNET);
    out.writeShort(ETHERTYPE_IPV4);
    out.writeByte(ARP_HLEN_ETHERNET);
    out.writeByte(ARP_PLEN_IPV4);
    out.writeShort(operation);
    writeMac(out, senderMac);
    out.writeInt(senderIp);
    writeMac(out, targetMac);
    out.writeInt(targetIp);
  }

  static long readMac(ByteBuf f, int index) {
    return ((long) f.getUnsignedShort(index) << 32) | f.getUnsignedInt(index + 2);
  }

  static void writeMac(ByteBuf out, long mac) {
    out.writeShort((int) (mac >>> 32));
    out.writeInt((int) mac);
  }
}
