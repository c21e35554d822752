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
import java.util.HashSet;
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
      repair.add(key); // a stale value in the table: the writer rewrites the known one
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
    boolean assigned = event.kind() == OwnerEvent.Kind.ASSIGNED;
    Optional<Assignment> a =
        assigned ? codec.open(event.sealed()) : codec.openRemoval(event.sealed());
    if (a.isEmpty()) {
      unverified();
      return;
    }
    if (assigned) {
      tracker.offer(a.get());
    } else {
      tracker.remove(a.get());
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
