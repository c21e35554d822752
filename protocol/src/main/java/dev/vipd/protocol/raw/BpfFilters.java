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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Classic BPF programs that keep a packet socket from waking on frames vipd does not care about.
 *
 * <p>Each program checks the EtherType and the fixed header fields first, then tests one address
 * field (ARP: target, then sender) against the owned addresses with {@link BpfSetMatcher}: an
 * exact binary search while it fits {@link SocketFilter#MAX_INSTRUCTIONS}, a hashed bitmap beyond
 * (a few false positives, never a false negative; user space checks ownership exactly anyway, the
 * filter only saves wake-ups). Passing every frame of the kind is only the last resort, for a
 * kernel that refuses every larger program. Accepted frames are passed whole.
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

  /** Largest hashed bitmap tried: 2^16 buckets (2,048 words) never fit, so this is a bound. */
  private static final int MAX_HASH_BITS = 16;
  /** Smallest: 2^8 buckets (8 words) is already close to passing everything at these counts. */
  private static final int MIN_HASH_BITS = 8;

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
   * gratuitous ARP claiming our addresses, for conflict detection) is one of {@code ownedIpv4}:
   * the first of {@link #arpChoices}. An empty set rejects everything.
   */
  public static SocketFilter arp(int[] ownedIpv4) {
    return arpChoices(ownedIpv4).get(0);
  }

  /**
   * The programs for {@code ownedIpv4}, most selective first, for a caller to attach the first one
   * the kernel accepts (a large program can fail with ENOMEM where {@code net.core.optmem_max} is
   * small): the exact test when it fits one program (up to ~1,450 addresses: two fields), else the
   * largest hashed prefilter that fits (2^14 buckets per field), then hashed ones 4 and 16 times
   * smaller, and last the pass-all program (a few instructions, every ARP frame).
   */
  public static List<SocketFilter> arpChoices(int[] ownedIpv4) {
    int[] owned = Arrays.stream(ownedIpv4).distinct().toArray();
    if (owned.length == 0) {
      return List.of(rejectAll());
    }
    return choices(owned, bits -> arpProgram(owned, bits), passAll(EtherKind.ARP));
  }

  /**
   * Passes IPv6 Neighbor Solicitations and Advertisements (next header 58 directly after the IPv6
   * header, hop limit 255, ICMPv6 type 135 or 136) whose target address ends in the low 32 bits
   * of one of {@code ownedIpv6Lo} (the low 64 bits of each owned address): the first of {@link
   * #ndpChoices}. This is a prefilter: user space compares the whole target. An empty set rejects
   * everything.
   */
  public static SocketFilter ndp(long[] ownedIpv6Lo) {
    return ndpChoices(ownedIpv6Lo).get(0);
  }

  /**
   * As {@link #arpChoices}, for Neighbor Discovery: exact up to ~2,900 addresses, then hashed
   * (2^15 buckets), smaller hashed ones, and pass-all (every NS and NA).
   */
  public static List<SocketFilter> ndpChoices(long[] ownedIpv6Lo) {
    int[] owned = Arrays.stream(ownedIpv6Lo).mapToInt(lo -> (int) lo).distinct().toArray();
    if (owned.length == 0) {
      return List.of(rejectAll());
    }
    return choices(owned, bits -> ndpProgram(owned, bits), passAll(EtherKind.IPV6));
  }

  /**
   * The exact program if it fits; the hashed one with the most buckets that fits and two smaller
   * ones (4 and 16 times fewer buckets), keeping after the exact program only those shorter than
   * it; then {@code passAll}. {@code program} takes the bitmap size in bits, 0 for exact, and
   * throws {@link IllegalStateException} when the program does not fit.
   */
  private static List<SocketFilter> choices(
      int[] owned, IntFunction<SocketFilter> program, SocketFilter passAll) {
    List<SocketFilter> out = new ArrayList<>(5);
    SocketFilter exact = fitting(program, 0);
    if (exact != null) {
      out.add(exact);
    }
    int bits = MAX_HASH_BITS;
    SocketFilter hashed = null;
    while (hashed == null && bits >= MIN_HASH_BITS) {
      hashed = fitting(program, bits--);
    }
    for (int smaller = bits - 1; hashed != null; smaller -= 2) {
      if (exact == null || hashed.length() < exact.length()) {
        out.add(hashed);
      }
      hashed = smaller >= MIN_HASH_BITS && smaller >= bits - 3 ? program.apply(smaller) : null;
    }
    out.add(passAll);
    return out;
  }

  private static SocketFilter fitting(IntFunction<SocketFilter> program, int bits) {
    try {
      return program.apply(bits);
    } catch (IllegalStateException tooLong) {
      return null;
    }
  }

  private static SocketFilter arpProgram(int[] owned, int bits) {
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
    matchAny(b, ARP_TPA, owned, bits);
    matchAny(b, ARP_SPA, owned, bits);
    b.add(RET_K, 0, 0, REJECT);
    return b.build();
  }

  private static SocketFilter ndpProgram(int[] owned, int bits) {
    SocketFilter.Builder b = SocketFilter.builder();
    ndpHeader(b);
    matchAny(b, NDP_TARGET_LOW32, owned, bits);
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

  /**
   * Loads the 32-bit field at {@code offset}, returns ACCEPT when it is one of {@code values}
   * (exactly when {@code bits} is 0, else through a {@code 2^bits}-bucket hash) and falls through
   * otherwise.
   */
  private static void matchAny(SocketFilter.Builder b, int offset, int[] values, int bits) {
    b.add(LD_W_ABS, 0, 0, offset);
    if (bits == 0) {
      BpfSetMatcher.exact(b, values);
    } else {
      BpfSetMatcher.hashed(b, values, bits);
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

}
