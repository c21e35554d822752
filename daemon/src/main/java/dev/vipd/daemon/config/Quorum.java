package dev.vipd.daemon.config;

/** When a node may own VIPs ({@code vipd.cluster.quorum}). */
public enum Quorum {
  /** Availability first: any node that sees itself as eligible owns VIPs (keepalived, MetalLB). */
  NONE,
  /** Only nodes in a verified majority of {@code expected-size} own VIPs; a minority releases. */
  MAJORITY
}
