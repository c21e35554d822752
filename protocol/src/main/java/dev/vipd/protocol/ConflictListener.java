package dev.vipd.protocol;

import java.net.InetAddress;

/**
 * Told when another host claims an address this node owns: an ARP reply, gratuitous ARP or
 * Neighbor Advertisement from another MAC. Called on the socket's event-loop thread for every such
 * frame; what to do (defend at most once per 10 s as RFC 5227 section 2.4 says, or yield when the
 * other node holds a newer epoch) is decided above the data plane. Must not block.
 */
@FunctionalInterface
public interface ConflictListener {
  /** Counts every claim as a conflict and does nothing else. */
  ConflictListener IGNORE = (vip, otherMac) -> true;

  /**
   * @param vip the owned address that another host claims
   * @param otherMac the claimant's hardware address (48-bit value)
   * @return whether this is a real conflict, counted in {@code vipd_address_conflicts_total};
   *     false when the claim is expected, e.g. the successor announcing while this node still
   *     answers during a hand-over
   */
  boolean conflict(InetAddress vip, long otherMac);
}
