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
  ConflictListener IGNORE = (vip, otherMac) -> {};

  /**
   * @param vip the owned address that another host claims
   * @param otherMac the claimant's hardware address (48-bit value)
   */
  void conflict(InetAddress vip, long otherMac);
}
