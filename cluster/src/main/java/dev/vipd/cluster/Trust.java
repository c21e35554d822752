package dev.vipd.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this node trusts its own cluster secret. A node that can verify none of its peers
 * while others are present concludes that its own key is wrong and owns nothing, rather than
 * taking every VIP. Changes are logged once.
 *
 * <p>Not thread-safe: confined to the cluster thread.
 */
final class Trust {
  private static final Logger log = LoggerFactory.getLogger(Trust.class);

  private final String self;
  private boolean selfUnverified;

  Trust(String self) {
    this.self = self;
  }

  /**
   * Takes one view into account.
   *
   * @param members the members of the view, this node included
   * @param verifiedPeers how many other members verified
   */
  void observe(int members, int verifiedPeers) {
    boolean wrongKey = members > 1 && verifiedPeers == 0;
    if (wrongKey != selfUnverified) {
      selfUnverified = wrongKey;
      if (wrongKey) {
        log.error("op=self-unverified node={} members={} problem=\"cannot verify a single peer:"
            + " this node's cluster secret differs from the others'; owning nothing\"", self,
            members);
      } else {
        log.info("op=self-verified node={}", self);
      }
    }
  }

  /** Whether this node may own VIPs as far as its key is concerned. */
  boolean trusted() {
    return !selfUnverified;
  }
}
