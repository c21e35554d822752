package dev.vipd.cluster.ownership;

import dev.vipd.cluster.election.Reason;

/**
 * Receives this node's ownership changes. All calls come from one thread, in order; they must
 * return quickly (hand long work to another thread).
 */
public interface OwnershipListener {
  /** This node now owns {@code a.vip()} at {@code a.epoch()}: answer and announce. */
  void acquired(Assignment a);

  /** Stop answering and announcing {@code a.vip()}; {@code a} is the last known ownership. */
  void released(Assignment a, Reason reason);

  /**
   * Answer only until this monotonic deadline ({@link System#nanoTime()} based). Pushed every
   * beacon interval while this node is healthy and confirmed; not extended while fenced.
   */
  default void answerDeadline(long deadlineNanos) {}
}
