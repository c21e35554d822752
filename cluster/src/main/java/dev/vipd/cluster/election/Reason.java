package dev.vipd.cluster.election;

/**
 * Why a VIP changed owner. The {@link #tag()} is the {@code reason} label of {@code
 * vipd_failovers_total} and the {@code reason} field of log lines.
 */
public enum Reason {
  /** The owner is no longer a verified member of the view. */
  MEMBER_LOST("member-lost"),
  /** The owner is still a member but its liveness beacons stopped. */
  MEMBER_SUSPECTED("member-suspected"),
  /** The pool's health checks fail on the owner. */
  HEALTH("health"),
  /** The pool's interface lost carrier on the owner. */
  LINK_DOWN("link-down"),
  /**
   * Peers' wire checks got no answer from the owner on the pool's link for {@code
   * wire-check.misses} rounds (issue 13): its membership is healthy but its interface is not.
   */
  WIRE_SILENT("wire-silent"),
  /** The owner was drained by an operator. */
  DRAIN("drain"),
  /** The owner is stopping and handed its VIPs over. */
  LEAVE("leave"),
  /** The owner reported that it cannot serve this VIP now (binding or joining failed there). */
  UNSERVABLE("unservable"),
  /** A more preferred node took the VIP back after the pool's preempt delay. */
  PREEMPT("preempt"),
  /** A VIP without a previous owner was placed, or its owner no longer matches the pool. */
  PLACEMENT("placement"),
  /**
   * Another host answered for a VIP this node owns. Recorded by the responder, never produced by
   * {@link Election}: the election sees owners, not frames.
   */
  CONFLICT("conflict"),
  /** This side of the cluster lost its quorum and released everything. */
  QUORUM_LOST("quorum-lost");

  private final String tag;

  Reason(String tag) {
    this.tag = tag;
  }

  /** The lower-case, hyphenated name used in metrics and logs, e.g. {@code member-lost}. */
  public String tag() {
    return tag;
  }
}
