package dev.vipd.cluster;

import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.cluster.member.OwnerEvent;
import dev.vipd.cluster.member.Tables;
import dev.vipd.cluster.ownership.Assignment;
import dev.vipd.cluster.ownership.AssignmentCodec;
import dev.vipd.cluster.ownership.OwnershipTracker;
import dev.vipd.cluster.ownership.Vips;
import dev.vipd.cluster.ownership.WritePlan;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import dev.vipd.cluster.ownership.HealDecision;
import dev.vipd.cluster.ownership.Precedence;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's verified reading of the owners table and, when it is the writer, its writes: every
 * value from the {@link Tables} is opened with the cluster secret before the {@link
 * OwnershipTracker} sees it; values that fail, and stale values, are remembered for repair, and
 * the writer rewrites them with what it knows.
 *
 * <p><b>Authenticated changes only.</b> Every change takes effect only through a value sealed
 * with the cluster secret: an assignment, or a removal, which stays in the table as a signed
 * tombstone ({@link Tables#removeOwner}). An unsigned or invalid value, and the deletion of an
 * entry (which nothing in vipd does), change nothing here and are repaired by the writer. The
 * seal proves that a holder of the cluster key wrote the value; with one shared symmetric key
 * it cannot prove which holder, so "signed by the current writer" is the protocol's part: only
 * the member every verified member computes as writer writes, and epochs with {@link
 * dev.vipd.cluster.ownership.Precedence} order whatever two writers wrote in a race. Replays of
 * older signed values lose to the newer epoch already known and are repaired too.
 *
 * <p>Not thread-safe: confined to the cluster thread.
 */
final class OwnerTable {
  private static final Logger log = LoggerFactory.getLogger(OwnerTable.class);

  private final AssignmentCodec codec;
  private final Tables tables;
  private final OwnershipTracker tracker;
  private final Counter unverifiedValues;
  private final Set<String> repair = new HashSet<>();
  private final Map<String, Assignment> healConflicts = new LinkedHashMap<>();
  private long healSinceNanos = Long.MIN_VALUE;

  /**
   * Longest wait for the other side's owner to publish its status before a heal conflict is
   * decided anyway: a member publishes right after MERGED, well within this on a live network.
   */
  static final long HEAL_WAIT_NANOS = TimeUnit.SECONDS.toNanos(3);

  OwnerTable(ClusterSecret secret, Tables tables, OwnershipTracker tracker,
      MeterRegistry registry) {
    this.codec = new AssignmentCodec(secret);
    this.tables = tables;
    this.tracker = tracker;
    this.unverifiedValues =
        Counter.builder("vipd.cluster.unverified.values")
            .description("owner-table and node-status values that failed verification")
            .register(registry);
  }

  /** Counts a value (of either table) that failed verification. */
  void unverified() {
    unverifiedValues.increment();
  }

  /** A value of the owners table (initial scan or entry event). */
  void onValue(String key, byte[] sealed) {
    Optional<Assignment> removal = codec.openRemoval(sealed);
    if (removal.isPresent() && Vips.format(removal.get().vip()).equals(key)) {
      if (!tracker.remove(removal.get())) {
        repair.add(key); // a stale tombstone: the writer rewrites the known assignment
      }
      return;
    }
    Optional<Assignment> a = codec.open(sealed);
    if (a.isEmpty() || !Vips.format(a.get().vip()).equals(key)) {
      unverified();
      log.warn("op=owner-value-unverified vip={}", key);
      repair.add(key);
      return;
    }
    if (!tracker.offer(a.get())) {
      if (splitLeftover(a.get())) {
        // After a heal the merged table may hold the other side's owner from before the split
        // (the merge policy prefers it): the writer decides instead of rewriting its own value.
        healConflicts.merge(key, a.get(), (x, y) -> Precedence.wins(y, x) ? y : x);
      } else {
        repair.add(key); // a stale value in the table: the writer rewrites the known one
      }
    }
  }

  /**
   * An entry of the owners table was deleted: vipd never deletes (removals are tombstones), so
   * this changes nothing and the writer restores the entry.
   */
  void onRemoved(String key) {
    unverified();
    log.warn("op=owner-entry-deleted vip={} hint=\"unsigned change ignored; the writer restores"
        + " it\"", key);
    repair.add(key);
  }

  /** An ownership event (an assignment or the sealed removal of the last one). */
  void onEvent(OwnerEvent event) {
    boolean removal = event.kind() == OwnerEvent.Kind.REMOVED;
    Optional<Assignment> a =
        removal ? codec.openRemoval(event.sealed()) : codec.open(event.sealed());
    if (a.isEmpty()) {
      unverified();
      return;
    }
    if (removal) {
      tracker.remove(a.get());
    } else if (event.kind() == OwnerEvent.Kind.RELAYED && conflicts(a.get())) {
      String key = Vips.format(a.get().vip());
      log.info("op=heal-conflict vip={} known={}@{} relayed={}@{} reason={}", key,
          tracker.known().get(key).node(), tracker.known().get(key).epoch(), a.get().node(),
          a.get().epoch(), a.get().reason().tag());
      healConflicts.merge(key, a.get(), (x, y) -> Precedence.wins(y, x) ? y : x);
    } else {
      tracker.offer(a.get());
    }
  }

  /** Whether relayed {@code a} names another node than the known assignment of its VIP. */
  private boolean conflicts(Assignment a) {
    Assignment known = tracker.known().get(Vips.format(a.vip()));
    return known != null && !known.node().equals(a.node());
  }

  /**
   * Whether {@code stale} (a verified value that lost to the known one) names another node than
   * a known takeover without being one: the shape of a VIP both sides of a split owned.
   */
  private boolean splitLeftover(Assignment stale) {
    Assignment known = tracker.known().get(Vips.format(stale.vip()));
    return known != null && !known.node().equals(stale.node()) && HealDecision.takeover(known)
        && !HealDecision.takeover(stale);
  }

  /** Whether heal conflicts wait for the writer ({@link #resolveHeal}). */
  boolean hasHealConflicts() {
    return !healConflicts.isEmpty();
  }

  /**
   * The writer's part after a heal: for each VIP that the two sides assigned to different nodes,
   * publishes the {@link HealDecision} winner under a fresh epoch (its owner acquires it again and
   * announces; the other releases). A conflict waits while {@code undecided} says the other
   * side's owner has not published its status yet, up to {@link #HEAL_WAIT_NANOS}. Non-writers
   * call {@link #settleHeal}.
   *
   * @param eligible whether a node may keep the given VIP now
   * @param undecided whether a node is in the view but its status is not settled yet (none
   *     published, or the one it published while merging)
   */
  void resolveHeal(BiPredicate<String, InetAddress> eligible, Predicate<String> undecided,
      long nowMillis, long nowNanos) {
    if (healSinceNanos == Long.MIN_VALUE) {
      healSinceNanos = nowNanos;
    }
    boolean waited = nowNanos - healSinceNanos >= HEAL_WAIT_NANOS;
    for (Map.Entry<String, Assignment> e : List.copyOf(healConflicts.entrySet())) {
      String key = e.getKey();
      Assignment theirs = e.getValue();
      Assignment mine = tracker.known().get(key);
      if (mine == null || mine.node().equals(theirs.node())) {
        healConflicts.remove(key);
        if (mine == null) {
          tracker.offer(theirs);
        }
        continue;
      }
      if (!waited && (undecided.test(mine.node()) || undecided.test(theirs.node()))) {
        continue;
      }
      Assignment winner = HealDecision.winner(mine, theirs, n -> eligible.test(n, mine.vip()));
      Assignment loser = winner == mine ? theirs : mine;
      Assignment fresh = HealDecision.resolve(winner, loser, tracker.floor(key), nowMillis);
      log.info("op=heal-resolved vip={} to={} epoch={} over={}@{} loser_eligible={} waited={}",
          key, fresh.node(), fresh.epoch(), loser.node(), loser.epoch(),
          eligible.test(loser.node(), mine.vip()), waited);
      healConflicts.remove(key);
      tracker.offer(fresh);
      repair.remove(key);
      tables.putOwner(key, codec.seal(fresh));
    }
    if (healConflicts.isEmpty()) {
      healSinceNanos = Long.MIN_VALUE;
    }
  }

  /**
   * A node that does not write (or cannot now) applies the relayed values as before the heal
   * rule, by {@link Precedence}, except those that would take a VIP from this node: those wait
   * up to {@link #HEAL_WAIT_NANOS} for the writer's decision, which comes under a fresh epoch.
   */
  void settleHeal(String self, long nowNanos) {
    if (healSinceNanos == Long.MIN_VALUE) {
      healSinceNanos = nowNanos;
    }
    boolean waited = nowNanos - healSinceNanos >= HEAL_WAIT_NANOS;
    for (Map.Entry<String, Assignment> e : List.copyOf(healConflicts.entrySet())) {
      Assignment mine = tracker.known().get(e.getKey());
      if (!waited && mine != null && mine.node().equals(self)) {
        continue;
      }
      healConflicts.remove(e.getKey());
      tracker.offer(e.getValue());
    }
    if (healConflicts.isEmpty()) {
      healSinceNanos = Long.MIN_VALUE;
    }
  }

  /** The writer's part: publishes the plan, then repairs what failed or was stale. */
  void write(WritePlan plan, long nowMillis) {
    for (Assignment a : plan.removals()) {
      String key = Vips.format(a.vip());
      log.info("op=unassign vip={} pool={} from={} epoch={} reason={}", key, a.pool(), a.node(),
          a.epoch(), a.reason().tag());
      tracker.remove(a);
      repair.remove(key);
      tables.removeOwner(key, codec.sealRemoval(a));
    }
    for (Assignment a : plan.puts()) {
      String key = Vips.format(a.vip());
      log.info("op=assign vip={} pool={} to={} epoch={} reason={} noticed_ms_ago={}", key,
          a.pool(), a.node(), a.epoch(), a.reason().tag(), nowMillis - a.noticedAtMillis());
      tracker.offer(a);
      repair.remove(key);
      tables.putOwner(key, codec.seal(a));
    }
    for (String key : repair) {
      Assignment known = tracker.known().get(key);
      if (known != null) {
        tables.putOwner(key, codec.seal(known));
      }
    }
    repair.clear();
  }

  /**
   * After this side merged into another: sends every assignment this node knows as an event, so
   * that the other side learns what this side decided while split. Receivers keep whichever
   * precedes ({@link dev.vipd.cluster.ownership.Precedence}), the same rule the table's merge
   * policy applies, so all members converge on the merged table even where the merge itself
   * fired no entry event on them. The values are the writers' own, relayed.
   */
  void relayKnown() {
    for (Assignment a : List.copyOf(tracker.known().values())) {
      tables.relayOwner(codec.seal(a));
    }
  }
}
