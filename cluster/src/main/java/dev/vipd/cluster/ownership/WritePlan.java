package dev.vipd.cluster.ownership;

import dev.vipd.cluster.election.Change;
import dev.vipd.cluster.election.ElectionInput;
import dev.vipd.cluster.election.ElectionResult;
import dev.vipd.cluster.election.Election;
import dev.vipd.cluster.election.Pool;
import dev.vipd.cluster.election.Reason;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * What the ownership writer publishes after one election: the new assignments and the removals.
 * Pure: a function of the election input, the known table and the epoch floors.
 *
 * <p>A new assignment's epoch is the election's, raised to one above the highest epoch ever seen
 * for the VIP (the table forgets removed VIPs, the floors do not), so that no reader ever sees an
 * epoch go back. VIPs that no pool configures any more are removed with reason {@code placement}.
 * Without quorum the plan is empty: the minority never writes, its trackers release on their own.
 *
 * @param puts assignments to publish
 * @param removals last assignments of VIPs that now have no owner, with the reason as theirs
 * @param quorum whether the election had quorum
 */
public record WritePlan(List<Assignment> puts, List<Assignment> removals, boolean quorum) {

  public WritePlan {
    puts = List.copyOf(puts);
    removals = List.copyOf(removals);
  }

  /**
   * Runs the election and turns its changes into writes.
   *
   * @param known the table as the writer knows it, VIP text to assignment
   * @param floor highest epoch ever seen per VIP text
   * @param nowMillis publication time
   * @param noticedAtMillis when the writer first saw the cause of this run
   */
  public static WritePlan of(
      ElectionInput input,
      Map<String, Assignment> known,
      ToLongFunction<String> floor,
      long nowMillis,
      long noticedAtMillis) {
    ElectionResult result = Election.elect(input);
    if (!result.quorum()) {
      return new WritePlan(List.of(), List.of(), false);
    }
    List<Assignment> puts = new ArrayList<>();
    List<Assignment> removals = new ArrayList<>();
    for (Change change : result.changes()) {
      String key = Vips.format(change.vip());
      if (change.to() != null) {
        long epoch = Math.max(change.epoch(), floor.applyAsLong(key) + 1);
        puts.add(
            new Assignment(change.vip(), change.pool(), change.to(), epoch, change.reason(),
                nowMillis, Math.min(noticedAtMillis, nowMillis)));
      } else {
        Assignment last = known.get(key);
        if (last != null) {
          removals.add(withReason(last, change.reason()));
        }
      }
    }
    Set<String> configured = new HashSet<>();
    for (Pool pool : input.pools()) {
      for (InetAddress vip : pool.addresses()) {
        configured.add(Vips.format(vip));
      }
    }
    for (Map.Entry<String, Assignment> entry : known.entrySet()) {
      if (!configured.contains(entry.getKey())) {
        removals.add(withReason(entry.getValue(), Reason.PLACEMENT));
      }
    }
    return new WritePlan(puts, removals, true);
  }

  private static Assignment withReason(Assignment a, Reason reason) {
    return new Assignment(a.vip(), a.pool(), a.node(), a.epoch(), reason, a.sinceMillis(),
        a.noticedAtMillis());
  }
}
