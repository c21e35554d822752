package dev.vipd.cluster.ownership;

import java.util.Comparator;

/**
 * Which of two assignments of one VIP wins, wherever two meet: in a node's tracker, and in the
 * owners table's merge after a healed split. The higher epoch wins; on equal epochs (both sides
 * of a split minted the same one under quorum {@code none}) the one naming the lexicographically
 * smaller node wins, so that every member picks the same one. Pure.
 */
public final class Precedence {
  /** Orders assignments so that the winner compares greater. */
  public static final Comparator<Assignment> ORDER =
      Comparator.comparingLong(Assignment::epoch)
          .thenComparing(Assignment::node, Comparator.reverseOrder());

  private Precedence() {}

  /** Whether {@code candidate} replaces {@code current}. */
  public static boolean wins(Assignment candidate, Assignment current) {
    return ORDER.compare(candidate, current) > 0;
  }
}
