package dev.vipd.cluster;

import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.cluster.election.Pool;
import dev.vipd.cluster.member.NodeState;
import dev.vipd.cluster.member.Tables;
import dev.vipd.cluster.member.ViewMember;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node-status table as this node reads and writes it: this node's own entry, published
 * with a growing sequence number, and the latest verified entry of every other node.
 *
 * <p><b>Authenticated changes only.</b> A value that does not verify, a replay of an older value
 * ({@link NodeState#newerThan}) and the removal of an entry never change what this node knows:
 * the last verified value stays. Each node repairs its own entry: when it sees its entry
 * removed, replaced by an invalid value or by an older one, it publishes its current state again
 * under a new sequence number. vipd itself never removes entries; a departed node's entry is
 * ignored because its incarnation is no longer in the view. The repair reads the table's actual
 * value first ({@link #repair}), so that a late copy of its own earlier value cannot start a loop.
 *
 * <p><b>Time.</b> Entries carry ages; this class stamps every accepted value with the moment it
 * arrived on the monotonic ticker, so that {@link #eligibleSinceMillis} is on this node's own
 * clock ({@link #nowMillis}), the clock the election compares it with.
 *
 * <p>Not thread-safe: confined to the cluster thread.
 */
final class NodeStates {
  private static final Logger log = LoggerFactory.getLogger(NodeStates.class);

  /** Offset of {@link #nowMillis} so that ages up to a day before this start stay positive. */
  private static final long BASE_MILLIS = TimeUnit.DAYS.toMillis(1);

  /**
   * Incarnations remembered per node name: the current one and a few earlier ones whose values
   * may still arrive late (a restarted node and a duplicate name make two at once).
   */
  private static final int MAX_INCARNATIONS = 4;

  private record Received(NodeState state, long atNanos) {}

  private final String self;
  private final long startTimeMillis;
  private final ClusterSecret secret;
  private final Tables tables;
  private final LongSupplier ticker;
  private final Consumer<String> onUnverified;
  private final long originNanos;
  /** Per node name, the latest value of each incarnation seen (a few, least recent dropped). */
  private final Map<String, Map<Long, Received>> others = new HashMap<>();
  private SelfStatus status;
  private Map<String, String> loaded = Map.of();
  private String standby = "";
  private long sequence;
  private NodeState published;
  private byte[] publishedSealed;
  private boolean repairPending;
  private long lastPutNanos;

  /**
   * How long after its own write this node trusts a difference between the table and what it
   * published to be real: the write runs in the background, and the entry events of its own
   * earlier values arrive meanwhile. A repair waits this long (the cluster tick re-checks).
   */
  private static final long REPAIR_GRACE_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** @param onUnverified told the key of each value that failed verification */
  NodeStates(String self, long startTimeMillis, ClusterSecret secret, Tables tables,
      LongSupplier ticker, Consumer<String> onUnverified) {
    this.self = self;
    this.startTimeMillis = startTimeMillis;
    this.secret = secret;
    this.tables = tables;
    this.ticker = ticker;
    this.onUnverified = onUnverified;
    this.originNanos = ticker.getAsLong();
    this.status = SelfStatus.initial(originNanos);
  }

  /** The digest of each pool, as a node publishes the pools it has loaded. */
  static Map<String, String> digests(List<Pool> pools) {
    Map<String, String> digests = new TreeMap<>();
    pools.forEach(p -> digests.put(p.name(), p.digest()));
    return digests;
  }

  /** Now, in milliseconds on this node's monotonic clock (always positive). */
  long nowMillis() {
    return toMillis(ticker.getAsLong());
  }

  private long toMillis(long nanos) {
    return BASE_MILLIS + TimeUnit.NANOSECONDS.toMillis(nanos - originNanos);
  }

  SelfStatus status() {
    return status;
  }

  /** Sets this node's conditions without publishing (before the first publication). */
  void setQuietly(SelfStatus next) {
    status = next;
  }

  /**
   * Sets what this node publishes and publishes it when anything changed (or {@code force}).
   *
   * @param pools the pools loaded here
   * @param why why this node may own nothing now, empty when it may
   */
  void publish(SelfStatus next, List<Pool> pools, String why, boolean force) {
    Map<String, String> digests = digests(pools);
    boolean changed = published == null || !next.equals(status) || !digests.equals(loaded)
        || !why.equals(standby);
    status = next;
    loaded = digests;
    standby = why;
    if (changed || force) {
      put();
    }
  }

  private void put() {
    lastPutNanos = ticker.getAsLong();
    published = current(++sequence);
    publishedSealed = published.seal(secret);
    tables.putState(self, publishedSealed);
  }

  /** Publishes this node's entry again when the table does not hold what it published. */
  void repair() {
    if (!repairPending || published == null
        || ticker.getAsLong() - lastPutNanos < REPAIR_GRACE_NANOS) {
      return;
    }
    repairPending = false;
    if (!Arrays.equals(tables.state(self), publishedSealed)) {
      log.warn("op=node-state-repaired node={}", self);
      put();
    }
  }

  /** This node's state as it would publish it now. */
  private NodeState current(long seq) {
    long age = TimeUnit.NANOSECONDS.toMillis(ticker.getAsLong() - status.eligibleSinceNanos());
    return new NodeState(self, startTimeMillis, seq, status.unhealthyPools(),
        status.linkDownPools(), status.drained(), status.leaving(), Math.max(0, age), loaded,
        standby, status.unservable(), status.wire());
  }

  /** A value of the node-status table (initial scan or entry event). */
  void onValue(String name, byte[] sealed) {
    if (name.equals(self)) {
      repairPending |= !Arrays.equals(sealed, publishedSealed); // checked at the next repair()
    }
    Optional<NodeState> opened = NodeState.open(sealed, secret);
    if (opened.isEmpty() || !opened.get().name().equals(name)) {
      onUnverified.accept(name);
      log.warn("op=node-state-unverified node={}", name);
      return;
    }
    NodeState state = opened.get();
    if (name.equals(self)) {
      return;
    }
    Map<Long, Received> incarnations = others.computeIfAbsent(name, n -> new LinkedHashMap<>());
    Received known = incarnations.get(state.startTimeMillis());
    if (known != null && !state.newerThan(known.state())) {
      return; // a replay or a late copy: the newer value stays
    }
    // Keyed by incarnation, not ordered across them: a restart whose wall clock went back must
    // not be shadowed by the previous incarnation; the view's identity picks the one that counts.
    incarnations.remove(state.startTimeMillis());
    incarnations.put(state.startTimeMillis(), new Received(state, ticker.getAsLong()));
    if (incarnations.size() > MAX_INCARNATIONS) {
      incarnations.remove(incarnations.keySet().iterator().next());
    }
  }

  /** An entry went away: never by vipd, so nothing changes; this node restores its own. */
  void onRemoved(String name) {
    log.warn("op=node-state-removed node={} hint=\"vipd never removes entries; ignored\"", name);
    repairPending |= name.equals(self);
  }

  /** The published state of {@code m}'s incarnation, or null when none is known (yet). */
  NodeState of(ViewMember m) {
    if (m.self()) {
      return current(sequence);
    }
    Received r = received(m);
    return r == null ? null : r.state();
  }

  /** When {@code m} last became eligible, on {@link #nowMillis}'s clock. */
  long eligibleSinceMillis(ViewMember m) {
    if (m.self()) {
      return toMillis(status.eligibleSinceNanos());
    }
    Received r = received(m);
    return r == null ? nowMillis() : toMillis(r.atNanos()) - r.state().eligibleForMillis();
  }

  private Received received(ViewMember m) {
    Map<Long, Received> incarnations = others.get(m.name());
    return incarnations == null ? null : incarnations.get(m.startTimeMillis());
  }
}
