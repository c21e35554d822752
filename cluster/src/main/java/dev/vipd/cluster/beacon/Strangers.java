package dev.vipd.cluster.beacon;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The nodes that are alive but not in one cluster with this node: a verified, fresh beacon from
 * a node that is not a peer here, or that flags this node as not its member, makes that node a
 * stranger for one pause threshold. Replays are ignored (per incarnation, sequence numbers only
 * grow), and the state kept per name is bounded.
 *
 * <p>Not thread-safe: confined to the beacon thread.
 */
final class Strangers {
  /** Bounds the per-name state kept for strangers (only holders of the key can add names). */
  private static final int MAX_STRANGERS = 256;

  private final long freshNanos;
  /** Name to {start time, sequence, seen at, flagged not-member (1) or not (0)}. */
  private final Map<String, long[]> seen = new HashMap<>();

  /** @param freshNanos how long one beacon keeps its sender a stranger (the pause threshold) */
  Strangers(long freshNanos) {
    this.freshNanos = freshNanos;
  }

  /** Records a fresh, verified beacon of a stranger (replays of it are ignored). */
  void note(Beacon beacon, long now) {
    long[] last = seen.get(beacon.name());
    if (last == null && seen.size() >= MAX_STRANGERS) {
      return;
    }
    if (last != null && (beacon.startTimeMillis() < last[0]
        || (beacon.startTimeMillis() == last[0] && beacon.sequence() <= last[1]))) {
      return;
    }
    seen.put(beacon.name(),
        new long[] {beacon.startTimeMillis(), beacon.sequence(), now, beacon.notMember() ? 1 : 0});
  }

  /**
   * The strangers at {@code now}.
   *
   * @param peers the current peers' names
   * @param accepted the latest accepted beacon per peer, {start time, sequence}
   */
  Set<String> current(long now, Set<String> peers, Map<String, long[]> accepted) {
    seen.values().removeIf(s -> now - s[2] > 10 * freshNanos);
    Set<String> names = new TreeSet<>();
    seen.forEach((name, s) -> {
      boolean fresh = now - s[2] <= freshNanos;
      // a peer's beacon last flagged us as not its member; an unflagged one since clears it
      boolean disowned = !peers.contains(name) || s[3] == 1;
      if (fresh && disowned && !newerFromPeer(name, s, peers, accepted)) {
        names.add(name);
      }
    });
    return Set.copyOf(names);
  }

  /** Whether a peer's latest accepted beacon is newer than its latest not-member beacon. */
  private static boolean newerFromPeer(
      String name, long[] stranger, Set<String> peers, Map<String, long[]> accepted) {
    long[] last = accepted.get(name);
    return peers.contains(name) && last != null && last[0] == stranger[0]
        && last[1] > stranger[1];
  }
}
