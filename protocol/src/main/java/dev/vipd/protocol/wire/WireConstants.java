package dev.vipd.protocol.wire;

/**
 * Offsets (from the first byte of the Ethernet header) and protocol numbers of the frames this
 * package reads and writes: Ethernet II, ARP for IPv4 (RFC 826), IPv6 without extension headers
 * and ICMPv6 Neighbor Solicitation / Advertisement (RFC 4861).
 *
 * <p>Public because the kernel filters ({@code raw.BpfFilters}) read the same fields as the codecs
 * here: one copy of the layout, so that a filter and a codec can never disagree on an offset.
 */
public final class WireConstants {
  private WireConstants() {}

  // Ethernet II
  public static final int ETH_DESTINATION = 0;
  public static final int ETH_SOURCE = 6;
  public static final int ETH_TYPE = 12;
  public static final int ETH_HEADER_LENGTH = 14;
  /** Shortest Ethernet frame without the FCS; shorter payloads are padded up to it. */
  public static final int ETH_MIN_FRAME = 60;
  public static final long BROADCAST_MAC = 0xffff_ffff_ffffL;
  public static final long MAC_MASK = 0xffff_ffff_ffffL;

  public static final int ETHERTYPE_IPV4 = 0x0800;
  public static final int ETHERTYPE_ARP = 0x0806;
  public static final int ETHERTYPE_IPV6 = 0x86dd;

  // ARP, IPv4 over Ethernet
  public static final int ARP_HTYPE = 14;
  public static final int ARP_PTYPE = 16;
  public static final int ARP_HLEN = 18;
  public static final int ARP_PLEN = 19;
  public static final int ARP_OPERATION = 20;
  public static final int ARP_SHA = 22;
  public static final int ARP_SPA = 28;
  public static final int ARP_THA = 32;
  public static final int ARP_TPA = 38;
  public static final int ARP_FRAME_LENGTH = 42;
  public static final int ARP_HTYPE_ETHERNET = 1;
  public static final int ARP_HLEN_ETHERNET = 6;
  public static final int ARP_PLEN_IPV4 = 4;
  public static final int ARP_REQUEST = 1;
  public static final int ARP_REPLY = 2;

  // IPv6
  public static final int IP6_VERSION_CLASS_FLOW = 14;
  public static final int IP6_PAYLOAD_LENGTH = 18;
  public static final int IP6_NEXT_HEADER = 20;
  public static final int IP6_HOP_LIMIT = 21;
  public static final int IP6_SOURCE = 22;
  public static final int IP6_DESTINATION = 38;
  public static final int IP6_PAYLOAD = 54;
  public static final int IP6_HEADER_LENGTH = 40;
  public static final int IP6_VERSION = 6;
  public static final int NEXT_HEADER_ICMPV6 = 58;
  /** RFC 4861: NDP messages are sent and accepted with hop limit 255 only (not forwarded). */
  public static final int NDP_HOP_LIMIT = 255;

  // ICMPv6 NS / NA, offsets in the frame
  public static final int ICMP_TYPE = 54;
  public static final int ICMP_CODE = 55;
  public static final int ICMP_CHECKSUM = 56;
  public static final int NDP_FLAGS = 58;
  public static final int NDP_TARGET = 62;
  public static final int NDP_OPTIONS = 78;
  /** Type, code, checksum, flags/reserved and target: the fixed part of NS and NA. */
  public static final int NDP_FIXED_LENGTH = 24;
  public static final int NDP_MIN_FRAME = IP6_PAYLOAD + NDP_FIXED_LENGTH;
  public static final int ICMP_NEIGHBOR_SOLICITATION = 135;
  public static final int ICMP_NEIGHBOR_ADVERTISEMENT = 136;
  public static final int OPTION_SOURCE_LINK_LAYER = 1;
  public static final int OPTION_TARGET_LINK_LAYER = 2;
  /** An option's length field counts units of 8 bytes (type and length included). */
  public static final int OPTION_UNIT = 8;
  /** A link-layer address option for Ethernet: type, length 1, six bytes of MAC. */
  public static final int LINK_LAYER_OPTION_LENGTH = 8;

  /** ff02::1, all nodes. */
  public static final long ALL_NODES_HI = 0xff02_0000_0000_0000L;
  public static final long ALL_NODES_LO = 1L;
  /** ff02::1:ff00:0/104, the solicited-node groups; the low 24 bits come from the address. */
  public static final long SOLICITED_NODE_HI = 0xff02_0000_0000_0000L;
  public static final long SOLICITED_NODE_LO = 0x0000_0001_ff00_0000L;
  public static final long LOW_24_BITS = 0xff_ffffL;
  /** 33:33:00:00:00:00, IPv6 multicast over Ethernet (RFC 2464): low 32 bits from the group. */
  public static final long IPV6_MULTICAST_MAC = 0x3333_0000_0000L;
  public static final long ALL_NODES_MAC = IPV6_MULTICAST_MAC | 1L;

  /** True for ff00::/8. */
  static boolean isMulticast(long hi) {
    return (hi >>> 56) == 0xff;
  }

  static boolean isUnspecified(long hi, long lo) {
    return hi == 0 && lo == 0;
  }

  static boolean isSolicitedNodeGroupOf(long groupHi, long groupLo, long targetLo) {
    return groupHi == SOLICITED_NODE_HI && groupLo == (SOLICITED_NODE_LO | (targetLo & LOW_24_BITS));
  }
}
