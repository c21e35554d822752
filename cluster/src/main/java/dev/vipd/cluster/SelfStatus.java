package dev.vipd.cluster;

import dev.vipd.cluster.member.WireState;
import java.net.InetAddress;
import java.util.Set;

/**
 * This node's own conditions, the one way they change: every change goes through one
 * eligibility rule, and the node becomes more eligible (eligibility restarts) when a pool
 * recovers or the node is undrained. Times are on the monotonic ticker. {@link Coordinator}
 * turns it into the sealed {@code NodeState} it publishes.
 *
 * @param unhealthyPools pools whose health checks fail here
 * @param linkDownPools pools whose interface has no carrier here
 * @param drained whether an operator drained this node
 * @param leaving whether it hands its VIPs over before stopping
 * @param eligibleSinceNanos when it last became more eligible (monotonic)
 * @param unservable the VIPs it cannot serve now (binding, joining or filtering failed); a VIP
 *     leaving this set does not restart eligibility (it is per VIP, and preemption is per node)
 * @param wire what its wire check found (issue 13); never restarts eligibility
 */
record SelfStatus(
    Set<String> unhealthyPools,
    Set<String> linkDownPools,
    boolean drained,
    boolean leaving,
    long eligibleSinceNanos,
    Set<InetAddress> unservable,
    WireState wire) {

  SelfStatus {
    unhealthyPools = Set.copyOf(unhealthyPools);
    linkDownPools = Set.copyOf(linkDownPools);
    unservable = Set.copyOf(unservable);
  }

  /** A fresh node: healthy, eligible since {@code nowNanos}. */
  static SelfStatus initial(long nowNanos) {
    return new SelfStatus(Set.of(), Set.of(), false, false, nowNanos, Set.of(), WireState.NONE);
  }

  /** With new pool conditions; a pool that recovers restarts eligibility at {@code nowNanos}. */
  SelfStatus withConditions(Set<String> unhealthy, Set<String> linkDown, long nowNanos) {
    boolean recovered = !unhealthy.containsAll(unhealthyPools)
        || !linkDown.containsAll(linkDownPools);
    return new SelfStatus(unhealthy, linkDown, drained, leaving,
        recovered ? nowNanos : eligibleSinceNanos, unservable, wire);
  }

  /** Drained or undrained; an undrain restarts eligibility at {@code nowNanos}. */
  SelfStatus withDrained(boolean drain, long nowNanos) {
    return new SelfStatus(unhealthyPools, linkDownPools, drain, leaving,
        drained && !drain ? nowNanos : eligibleSinceNanos, unservable, wire);
  }

  /** Marked as handing its VIPs over before stopping. */
  SelfStatus asLeaving() {
    return new SelfStatus(unhealthyPools, linkDownPools, drained, true, eligibleSinceNanos,
        unservable, wire);
  }

  /** With a new set of VIPs it cannot serve. */
  SelfStatus withUnservable(Set<InetAddress> vips) {
    return new SelfStatus(unhealthyPools, linkDownPools, drained, leaving, eligibleSinceNanos,
        vips, wire);
  }

  /** With a new wire check state. */
  SelfStatus withWire(WireState next) {
    return new SelfStatus(unhealthyPools, linkDownPools, drained, leaving, eligibleSinceNanos,
        unservable, next);
  }
}
