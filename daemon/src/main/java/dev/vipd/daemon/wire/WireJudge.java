package dev.vipd.daemon.wire;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * This node's verdicts from its own wire checks (issue 13), one round at a time. Pure state, time
 * from an injected monotonic ticker; not thread-safe (the checker's one thread calls it).
 *
 * <ul>
 *   <li><b>Silent.</b> An owner (pool, name, incarnation) none of whose probed VIPs its MAC
 *       answered for {@code misses} consecutive rounds in which this node probed it is reported
 *       silent. A round in which it answered once clears the count and the report.
 *   <li><b>Hold.</b> A silent owner loses its VIPs and is then not probed any more (it owns
 *       none): the report is kept for {@code hold} after its last miss, then dropped. The
 *       election is sticky, so dropping it moves nothing back; a still-silent owner that gets
 *       VIPs again is reported again after {@code misses} rounds. A restart (new incarnation)
 *       starts clean at once.
 *   <li><b>Self-suspicion.</b> When every probe of this node failed for {@code misses}
 *       consecutive rounds (no MAC at all answered, whoever owned the VIPs), this node suspects
 *       its own link rather than the owners. It still publishes its reports, flagged: the
 *       cluster ignores them unless another node reports the same owner. A round with any answer
 *       clears the suspicion.
 * </ul>
 */
public final class WireJudge {
  /**
   * Default hold, in rounds after the last miss (60 s at 2 s): long enough that a link flapping
   * every few seconds is not offered VIPs again at once, short enough that a repaired node is
   * eligible again within a minute without a restart.
   */
  public static final int HOLD_ROUNDS = 30;

  private final int misses;
  private final long holdNanos;
  private final LongSupplier ticker;
  private final Map<Owner, Integer> missed = new HashMap<>();
  private final Map<Owner, Long> silentSince = new HashMap<>();
  private final Map<Owner, Long> lastMissNanos = new HashMap<>();
  private int failedRounds;

  /** One owner of one pool, in one incarnation. */
  public record Owner(String pool, String node, long startTimeMillis) {
    public Owner {
      Objects.requireNonNull(pool, "pool");
      Objects.requireNonNull(node, "node");
    }
  }

  /** One finished check: whose VIP, and what came back. */
  public record Check(Owner owner, WireResult result) {}

  public WireJudge(int misses, long holdNanos, LongSupplier ticker) {
    if (misses < 1) {
      throw new IllegalArgumentException("invalid misses: " + misses + " (expected: >= 1)");
    }
    this.misses = misses;
    this.holdNanos = holdNanos;
    this.ticker = Objects.requireNonNull(ticker, "ticker");
  }

  /** Takes one round's checks (possibly none). */
  public void round(List<Check> checks) {
    long now = ticker.getAsLong();
    Map<Owner, Boolean> answered = new HashMap<>();
    boolean anyAnswer = false;
    for (Check c : checks) {
      boolean ok = c.result() == WireResult.ANSWERED;
      answered.merge(c.owner(), ok, Boolean::logicalOr);
      anyAnswer |= c.result() != WireResult.SILENT;
    }
    if (!checks.isEmpty()) {
      failedRounds = anyAnswer ? 0 : failedRounds + 1;
    }
    answered.forEach((owner, ok) -> {
      if (ok) {
        missed.remove(owner);
        silentSince.remove(owner);
        lastMissNanos.remove(owner);
      } else {
        int count = missed.merge(owner, 1, Integer::sum);
        lastMissNanos.put(owner, now);
        if (count >= misses) {
          silentSince.putIfAbsent(owner, now);
        }
      }
    });
    Set<Owner> expired = new HashSet<>();
    lastMissNanos.forEach((owner, at) -> {
      if (!answered.containsKey(owner) && now - at >= holdNanos) {
        expired.add(owner);
      }
    });
    expired.forEach(o -> {
      missed.remove(o);
      silentSince.remove(o);
      lastMissNanos.remove(o);
    });
  }

  /** The owners this node reports silent now. */
  public Set<Owner> silent() {
    return Set.copyOf(silentSince.keySet());
  }

  /** Whether this node suspects its own checks (see the class comment). */
  public boolean suspect() {
    return failedRounds >= misses;
  }

  /** Forgets owners that left the view or restarted: only {@code current} are kept. */
  public void retain(Set<Owner> current) {
    missed.keySet().retainAll(current);
    silentSince.keySet().retainAll(current);
    lastMissNanos.keySet().retainAll(current);
  }
}
