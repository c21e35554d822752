package dev.vipd.cluster.ownership;

import dev.vipd.cluster.election.Reason;
import java.util.function.Predicate;

/**
 * Which of two assignments of one VIP survives a healed split: the one this side knows and the
 * one the other side relays after the merge (issue 12). Pure.
 *
 * <p>While split under quorum {@code none}, each side takes over the VIPs of the members it can
 * no longer see, with the next epoch and reason {@code member-lost} or {@code member-suspected}
 * ({@link #takeover}). After the heal, the plain rule (higher epoch wins, {@link Precedence})
 * would hand every such VIP to the side that took it over, although its owner from before the
 * split kept it and is back. The rules, in order:
 *
 * <ol>
 *   <li>the same node on both sides: nothing to decide (the higher epoch);
 *   <li>exactly one of the two is a takeover and the other's owner is alive and eligible: the
 *       other wins (it is the owner the VIP had before the split, which never lost it);
 *   <li>only one owner is alive and eligible: that one wins;
 *   <li>otherwise {@link Precedence} decides (higher epoch, then the smaller node name).
 * </ol>
 *
 * <p>The writer publishes the winner under an epoch above both ({@link #resolve}), so that every
 * reader converges on it whatever it believed, and the winner's owner announces again.
 */
public final class HealDecision {
  private HealDecision() {}

  /** Whether {@code a} was made because its previous owner dropped out of sight. */
  public static boolean takeover(Assignment a) {
    return a.reason() == Reason.MEMBER_LOST || a.reason() == Reason.MEMBER_SUSPECTED;
  }

  /**
   * The winner of {@code mine} and {@code theirs} (same VIP).
   *
   * @param eligible whether a node is alive and eligible for the VIP's pool now
   */
  public static Assignment winner(Assignment mine, Assignment theirs, Predicate<String> eligible) {
    if (!mine.vip().equals(theirs.vip())) {
      throw new IllegalArgumentException("invalid heal decision: two VIPs " + mine.vip() + ", "
          + theirs.vip() + " (expected: one)");
    }
    Assignment byPrecedence = Precedence.wins(theirs, mine) ? theirs : mine;
    if (mine.node().equals(theirs.node())) {
      return byPrecedence;
    }
    boolean mineOk = eligible.test(mine.node());
    boolean theirsOk = eligible.test(theirs.node());
    if (takeover(mine) != takeover(theirs)) {
      Assignment kept = takeover(mine) ? theirs : mine;
      if (eligible.test(kept.node())) {
        return kept;
      }
    }
    if (mineOk != theirsOk) {
      return mineOk ? mine : theirs;
    }
    return byPrecedence;
  }

  /**
   * The assignment the writer publishes for the winner: its owner, pool and reason under an epoch
   * one above both (and above {@code floor}, the highest epoch ever seen for the VIP).
   */
  public static Assignment resolve(Assignment winner, Assignment loser, long floor,
      long nowMillis) {
    long epoch = Math.max(Math.max(winner.epoch(), loser.epoch()), floor) + 1;
    return new Assignment(winner.vip(), winner.pool(), winner.node(), epoch, winner.reason(),
        nowMillis, nowMillis);
  }
}
