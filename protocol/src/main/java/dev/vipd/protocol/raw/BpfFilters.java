package dev.vipd.protocol.raw;

import static dev.vipd.protocol.wire.WireConstants.ARP_HLEN;
import static dev.vipd.protocol.wire.WireConstants.ARP_HLEN_ETHERNET;
import static dev.vipd.protocol.wire.WireConstants.ARP_PLEN_IPV4;
import static dev.vipd.protocol.wire.WireConstants.ARP_PTYPE;
import static dev.vipd.protocol.wire.WireConstants.ARP_SPA;
import static dev.vipd.protocol.wire.WireConstants.ARP_TPA;
import static dev.vipd.protocol.wire.WireConstants.ETHERTYPE_IPV4;
import static dev.vipd.protocol.wire.WireConstants.ETH_TYPE;
import static dev.vipd.protocol.wire.WireConstants.ICMP_NEIGHBOR_ADVERTISEMENT;
import static dev.vipd.protocol.wire.WireConstants.ICMP_NEIGHBOR_SOLICITATION;
import static dev.vipd.protocol.wire.WireConstants.ICMP_TYPE;
import static dev.vipd.protocol.wire.WireConstants.IP6_HOP_LIMIT;
import static dev.vipd.protocol.wire.WireConstants.IP6_NEXT_HEADER;
import static dev.vipd.protocol.wire.WireConstants.NDP_HOP_LIMIT;
import static dev.vipd.protocol.wire.WireConstants.NDP_TARGET;
import static dev.vipd.protocol.wire.WireConstants.NEXT_HEADER_ICMPV6;

import dev.vipd.protocol.spi.SocketFilter;
import java.util.Arrays;

/**
 * Classic BPF programs that keep a packet socket from waking on frames vipd does not care about.
 *
 * <p>Each program checks the EtherType and the fixed header fields first, then compares one
 * address field against every owned address with an inline {@code ret} per address, so that every
 * jump is short (the kernel's jump offsets are 8 bits). A program that would exceed {@link
 * SocketFilter#MAX_INSTRUCTIONS} falls back to passing every frame of its kind: user space checks
 * ownership anyway, the filter only saves wake-ups. Accepted frames are passed whole.
 */
public final class BpfFilters {
  // Opcodes (linux/filter.h): class | size | mode.
  static final int LD_W_ABS = 0x20;
  static final int LD_H_ABS = 0x28;
  static final int LD_B_ABS = 0x30;
  static final int JEQ_K = 0x15;
  static final int RET_K = 0x06;

  /** Return value that accepts the whole frame (any value above the frame length does). */
  static final int ACCEPT = 0x40000;

  static final int REJECT = 0;

  /** The low 32 bits of the NDP target address: the part the prefilter compares. */
  private static final int NDP_TARGET_LOW32 = NDP_TARGET + 12;
  /** ARP hardware and protocol address lengths, loaded as one halfword. */
  private static final int ARP_LENGTHS = (ARP_HLEN_ETHERNET << 8) | ARP_PLEN_IPV4;

  private BpfFilters() {}

  /** A program that accepts nothing: what a socket starts with. */
  public static SocketFilter rejectAll() {
    SocketFilter.Builder b = SocketFilter.builder();
    b.add(RET_K, 0, 0, REJECT);
    return b.build();
  }

  /**
   * Passes Ethernet/IPv4 ARP frames whose target IP (requests for us) or sender IP (replies and
   * gratuitous ARP claiming our addresses, for conflict detection) is one of {@code ownedIpv4}.
   * An empty set rejects everything; a set too large for one program passes every ARP frame.
   */
  public static SocketFilter arp(int[] ownedIpv4) {
    int[] owned = distinct(ownedIpv4);
    if (owned.length == 0) {
      return rejectAll();
    }
    // 9 header instructions, 2 per address and field, 1 load per field, 1 final reject.
    if (9 + 4 * owned.length + 3 > SocketFilter.MAX_INSTRUCTIONS) {
      return passAll(EtherKind.ARP);
    }
    SocketFilter.Builder b = SocketFilter.builder();
    b.add(LD_H_ABS, 0, 0, ETH_TYPE);
    b.add(JEQ_K, 1, 0, EtherKind.ARP.code());
    b.add(RET_K, 0, 0, REJECT);
    b.add(LD_H_ABS, 0, 0, ARP_PTYPE);
    b.add(JEQ_K, 1, 0, ETHERTYPE_IPV4);
    b.add(RET_K, 0, 0, REJECT);
    b.add(LD_H_ABS, 0, 0, ARP_HLEN);
    b.add(JEQ_K, 1, 0, ARP_LENGTHS);
    b.add(RET_K, 0, 0, REJECT);
    matchAny(b, ARP_TPA, owned);
    matchAny(b, ARP_SPA, owned);
    b.add(RET_K, 0, 0, REJECT);
    return b.build();
  }

  /**
   * Passes IPv6 Neighbor Solicitations and Advertisements (next header 58 directly after the IPv6
   * header, hop limit 255, ICMPv6 type 135 or 136) whose target address ends in the low 32 bits
   * of one of {@code ownedIpv6Lo} (the low 64 bits of each owned address). This is a prefilter:
   * user space compares the whole target. An empty set rejects everything; a set too large for
   * one program passes every NS and NA.
   */
  public static SocketFilter ndp(long[] ownedIpv6Lo) {
    int[] owned = new int[ownedIpv6Lo.length];
    for (int i = 0; i < owned.length; i++) {
      owned[i] = (int) ownedIpv6Lo[i];
    }
    owned = distinct(owned);
    if (owned.length == 0) {
      return rejectAll();
    }
    // 13 header instructions, 1 load, 2 per address, 1 final reject.
    if (13 + 2 * owned.length + 2 > SocketFilter.MAX_INSTRUCTIONS) {
      return passAll(EtherKind.IPV6);
    }
    SocketFilter.Builder b = SocketFilter.builder();
    ndpHeader(b);
    matchAny(b, NDP_TARGET_LOW32, owned);
    b.add(RET_K, 0, 0, REJECT);
    return b.build();
  }

  /** Checks EtherType, next header, hop limit and ICMPv6 type; falls through on a match. */
  private static void ndpHeader(SocketFilter.Builder b) {
    b.add(LD_H_ABS, 0, 0, ETH_TYPE);
    b.add(JEQ_K, 1, 0, EtherKind.IPV6.code());
    b.add(RET_K, 0, 0, REJECT);
    b.add(LD_B_ABS, 0, 0, IP6_NEXT_HEADER);
    b.add(JEQ_K, 1, 0, NEXT_HEADER_ICMPV6);
    b.add(RET_K, 0, 0, REJECT);
    b.add(LD_B_ABS, 0, 0, IP6_HOP_LIMIT);
    b.add(JEQ_K, 1, 0, NDP_HOP_LIMIT);
    b.add(RET_K, 0, 0, REJECT);
    b.add(LD_B_ABS, 0, 0, ICMP_TYPE);
    b.add(JEQ_K, 2, 0, ICMP_NEIGHBOR_SOLICITATION);
    b.add(JEQ_K, 1, 0, ICMP_NEIGHBOR_ADVERTISEMENT);
    b.add(RET_K, 0, 0, REJECT);
  }

  /** Loads the 32-bit field at {@code offset} and accepts when it equals one of {@code values}. */
  private static void matchAny(SocketFilter.Builder b, int offset, int[] values) {
    b.add(LD_W_ABS, 0, 0, offset);
    for (int value : values) {
      b.add(JEQ_K, 0, 1, value);
      b.add(RET_K, 0, 0, ACCEPT);
    }
  }

  /** The fallback: every frame of the kind (ARP: every ARP frame; IPv6: every NS and NA). */
  private static SocketFilter passAll(EtherKind kind) {
    SocketFilter.Builder b = SocketFilter.builder();
    if (kind == EtherKind.IPV6) {
      ndpHeader(b);
    } else {
      b.add(LD_H_ABS, 0, 0, ETH_TYPE);
      b.add(JEQ_K, 1, 0, kind.code());
      b.add(RET_K, 0, 0, REJECT);
    }
    b.add(RET_K, 0, 0, ACCEPT);
    return b.build();
  }

  private static int[] distinct(int[] values) {
    return Arrays.stream(values).distinct().toArray();
  }
}
