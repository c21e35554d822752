package dev.vipd.daemon.wire;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which VIPs this node probes in one wire check round (issue 13). Pure and deterministic: every
 * node computes the same assignment from the same membership view, so no coordination is needed.
 *
 * <ul>
 *   <li><b>Coverage.</b> Each VIP owned by another node is given to exactly one of its checkers
 *       (the members that declare the pool, minus the owner) per round: checker number {@code
 *       mix(vip, round) mod n} in name order. Every VIP is thus checked once per {@code
 *       wire-check.interval}, and the checker changes from round to round, so one broken checker
 *       never owns a VIP's verdict.
 *   <li><b>Own evidence.</b> Each checker also probes one VIP of every (pool, owner) it was given
 *       none of this round, so every checker sees every owner every round and can count misses
 *       alone (its verdict needs {@code misses} rounds, not {@code misses × checkers}).
 *   <li><b>Bound.</b> At most {@code maxPerRound} probes per node and round. The share is {@code
 *       N / (M - 1)} plus at most one per owner; above the bound, a rotating window (shifted by
 *       the round) keeps every VIP covered, only less often.
 * </ul>
 */
public final class WireSampler {
  /**
   * Per node and round: 500 frames/s at the default 2 s, well below what one raw socket sends
   * (the responder answers tens of thousands per second) and a small share of a gigabit link;
   * it covers 1,000 × (M − 1) VIPs every round, beyond which coverage stretches instead.
   */
  public static final int DEFAULT_MAX_PER_ROUND = 1_000;

  private final int maxPerRound;

  /** One VIP to probe, with its pool and owner. */
  public record Probe(String pool, InetAddress vip, String owner) {
    public Probe {
      Objects.requireNonNull(pool, "pool");
      Objects.requireNonNull(vip, "vip");
      Objects.requireNonNull(owner, "owner");
    }
  }

  /** One owned VIP as the table names it. */
  public record Owned(String pool, InetAddress vip, String owner) {}

  public WireSampler(int maxPerRound) {
    if (maxPerRound < 1) {
      throw new IllegalArgumentException(
          "invalid max probes per round: " + maxPerRound + " (expected: >= 1)");
    }
    this.maxPerRound = maxPerRound;
  }

  /**
   * The probes {@code self} sends in {@code round}.
   *
   * @param owned every owned VIP of the pools with the wire check on
   * @param checkers pool name to the names of the members that may check it (declare it and
   *     run the check), self included if it does
   */
  public List<Probe> sample(String self, long round, List<Owned> owned,
      Map<String, Set<String>> checkers) {
    List<Probe> mine = new ArrayList<>();
    Map<String, List<Owned>> byOwner = new HashMap<>();
    Set<String> covered = new HashSet<>();
    for (Owned o : owned) {
      Set<String> pool = checkers.getOrDefault(o.pool(), Set.of());
      if (o.owner().equals(self) || !pool.contains(self)) {
        continue;
      }
      String key = o.pool() + '\u0000' + o.owner();
      byOwner.computeIfAbsent(key, k -> new ArrayList<>()).add(o);
      List<String> eligible = pool.stream().filter(n -> !n.equals(o.owner())).sorted().toList();
      int pick = (int) Math.floorMod(mix(key(o.vip()) ^ round * 0x9E3779B97F4A7C15L),
          (long) eligible.size());
      if (eligible.get(pick).equals(self)) {
        mine.add(new Probe(o.pool(), o.vip(), o.owner()));
        covered.add(key);
      }
    }
    List<String> owners = new ArrayList<>(byOwner.keySet());
    owners.sort(Comparator.naturalOrder());
    List<Probe> extra = new ArrayList<>();
    for (String key : owners) {
      if (!covered.contains(key)) {
        List<Owned> of = byOwner.get(key);
        Owned o = of.get((int) Math.floorMod(mix(key.hashCode() + 31L * self.hashCode() + round),
            (long) of.size()));
        extra.add(new Probe(o.pool(), o.vip(), o.owner()));
      }
    }
    return bounded(extra, mine, round);
  }

  private List<Probe> bounded(List<Probe> extra, List<Probe> mine, long round) {
    List<Probe> all = new ArrayList<>(extra);
    if (all.size() + mine.size() <= maxPerRound) {
      all.addAll(mine);
      return all;
    }
    int room = Math.max(0, maxPerRound - all.size());
    int start = (int) Math.floorMod(round * room, (long) mine.size());
    for (int i = 0; i < room; i++) {
      all.add(mine.get((start + i) % mine.size()));
    }
    return all.size() > maxPerRound ? all.subList(0, maxPerRound) : all;
  }

  private static long key(InetAddress vip) {
    long k = 0;
    for (byte b : vip.getAddress()) {
      k = k * 257 + (b & 0xff);
    }
    return k;
  }

  /** SplitMix64's finaliser: spreads nearby inputs (consecutive VIPs, rounds) evenly. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
