package dev.vipd.cluster.election;

/** Whether owning VIPs needs a majority of the expected cluster ({@code cluster.quorum}). */
public enum Quorum {
  /** Availability first: any partition owns VIPs (what keepalived and MetalLB do). */
  NONE,
  /** Only a side with {@code expected-size / 2 + 1} verified, unsuspected members owns VIPs. */
  MAJORITY
}
