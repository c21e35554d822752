package dev.vipd.cluster;

import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.cluster.election.Candidate;
import dev.vipd.cluster.election.ElectionInput;
import dev.vipd.cluster.election.Ownership;
import dev.vipd.cluster.election.Pool;
import dev.vipd.cluster.election.Reason;
import dev.vipd.cluster.election.Round;
import dev.vipd.cluster.member.NodeState;
import dev.vipd.cluster.member.OwnerEvent;
import dev.vipd.cluster.member.Tables;
import dev.vipd.cluster.member.ViewMember;
import dev.vipd.cluster.member.WireState;
import dev.vipd.cluster.ownership.Assignment;
import dev.vipd.cluster.ownership.OwnershipListener;
import dev.vipd.cluster.ownership.OwnershipTracker;
import dev.vipd.cluster.ownership.WritePlan;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine behind {@link ClusterNode}, confined to the cluster thread: verification of
 * the values read from the {@link Tables}, this node's status, trust in its own key, quorum, the
 * writer role, and the tracker. Hazelcast, beacon and timer events only post work here; {@link
 * #evaluate} recomputes everything from the latest inputs ({@link Round}), so a lost or
 * reordered trigger costs at most one tick.
 *
 * <p>Not thread-safe: every method runs on the cluster thread.
 */
final class Coordinator {
  private static final Logger log = LoggerFactory.getLogger(Coordinator.class);

  /** What the coordinator reads of the membership and tells the beacons. */
  interface Membership {
    /** The Hazelcast members, oldest first, verified or not. */
    List<ViewMember> members();

    /** The peers the beacons currently suspect (read at every evaluation, never cached). */
    Set<String> suspects();

    void setBeaconPeers(List<ViewMember> verifiedPeers);
  }

  private final String self;
  private final ClusterSettings settings;
  private final ClusterSecret secret;
  private final OwnerTable owners;
  private final Tables tables;
  private final Membership membership;
  private final Clock clock;
  private final LongSupplier ticker;
  private final BooleanSupplier fenced;
  private final OwnershipTracker tracker;
  private final Trust trust;
  private final AtomicInteger membersGauge;
  private final AtomicInteger quorumGauge;
  private final AtomicInteger unverifiedGauge;
  private final int expectedMembers;

  private List<Pool> pools;
  private final NodeStates nodeStates;
  private Set<String> suspects = Set.of();
  private List<ViewMember> view = List.of();
  private List<ViewMember> beaconPeers = List.of();
  private boolean quorum;
  private String writer;
  private boolean suspended;
  private boolean hadQuorumWhileSplit = true;
  private boolean closed;
  private long causeMillis = Long.MAX_VALUE;
  private long joinedNanos;
  private Map<String, PoolSeen> poolsSeen = Map.of();

  /** A pool as this node loaded it: its digest and since when (monotonic). */
  private record PoolSeen(String digest, long sinceNanos) {}

  /**
   * @param startTimeMillis this incarnation's start time (its identity)
   * @param scheduler the cluster thread (the tracker's hand-over grace runs on it)
   * @param clock wall clock: the publication times in assignments (shown, never compared)
   * @param ticker monotonic nanoseconds: the settle window and every other duration
   * @param fenced whether this node is fenced after a pause (read at every decision)
   */
  Coordinator(
      ClusterSettings settings,
      long startTimeMillis,
      List<Pool> pools,
      OwnershipListener listener,
      MeterRegistry registry,
      ScheduledExecutorService scheduler,
      Tables tables,
      Membership membership,
      Clock clock,
      LongSupplier ticker,
      BooleanSupplier fenced) {
    this.self = settings.nodeName();
    this.settings = settings;
    this.secret = settings.secret();
    this.tables = tables;
    this.membership = membership;
    this.clock = clock;
    this.ticker = ticker;
    this.fenced = fenced;
    this.joinedNanos = ticker.getAsLong();
    this.expectedMembers = settings.expectedMembers();
    this.pools = List.copyOf(pools);
    notePools();
    this.tracker =
        new OwnershipTracker(self, listener, registry, scheduler, settings.handoverGrace());
    this.trust = new Trust(self);
    this.owners = new OwnerTable(secret, tables, tracker, registry);
    this.nodeStates = new NodeStates(self, startTimeMillis, secret, tables, ticker, name -> {
      owners.unverified();
      trust.unverifiableValue(name);
    });
    this.membersGauge = registry.gauge("vipd.cluster.members", new AtomicInteger());
    this.quorumGauge = registry.gauge("vipd.cluster.quorum", new AtomicInteger());
    this.unverifiedGauge = registry.gauge("vipd.cluster.unverified.members", new AtomicInteger());
  }

  // ---- inputs -------------------------------------------------------------------------------

  /** Records that the cause of the next change was noticed at {@code millis} (wall clock). */
  void cause(long millis) {
    causeMillis = Math.min(causeMillis, millis);
  }

  void setPools(List<Pool> newPools) {
    pools = List.copyOf(newPools);
    notePools();
  }

  /** Remembers when each pool (name and digest) appeared here, for the reload settle. */
  private void notePools() {
    long now = ticker.getAsLong();
    Map<String, PoolSeen> next = new HashMap<>();
    for (Pool p : pools) {
      PoolSeen seen = poolsSeen.get(p.name());
      String digest = p.digest();
      next.put(p.name(), seen != null && seen.digest().equals(digest)
          ? seen : new PoolSeen(digest, now));
    }
    poolsSeen = next;
  }

  private Map<String, Long> poolAgesMillis() {
    long now = ticker.getAsLong();
    Map<String, Long> ages = new HashMap<>();
    poolsSeen.forEach((name, seen) ->
        ages.put(name, TimeUnit.NANOSECONDS.toMillis(now - seen.sinceNanos())));
    return ages;
  }

  SelfStatus selfStatus() {
    return nodeStates.status();
  }

  /** Sets this node's conditions before they are first published (at start). */
  void updateSelfQuietly(SelfStatus next) {
    nodeStates.setQuietly(next);
  }

  /** Replaces this node's conditions and publishes them. */
  void updateSelf(SelfStatus next) {
    tracker.setHandingOver(next.drained() || next.leaving());
    nodeStates.publish(next, pools, standby(false), false);
  }

  /** Publishes this node's status again (at start, after a merge replaced the tables). */
  void republishSelf() {
    tracker.setHandingOver(nodeStates.status().drained() || nodeStates.status().leaving());
    nodeStates.publish(nodeStates.status(), pools, standby(false), true);
  }

  /**
   * Why this node may own nothing now; empty when it may. {@code merging} (until MERGED) stays
   * local: the table merge carried it to the other side, whose writer moved our VIPs (issue 12).
   */
  private String standby(boolean local) {
    if (fenced.getAsBoolean()) {
      return "fenced";
    }
    if (suspended && local) {
      return "merging";
    }
    return trust.trusted() ? "" : "untrusted";
  }

  /** Reads both tables again (at start, after a merge, before unfencing). */
  void rescan() {
    tables.states().forEach(this::onNodeState);
    tables.owners().forEach(this::onOwnerValue);
  }

  /** A value of the owners table (initial scan or entry event). */
  void onOwnerValue(String key, byte[] sealed) {
    owners.onValue(key, sealed);
  }

  /** An entry of the owners table was deleted (never by vipd). */
  void onOwnerRemoved(String key) {
    owners.onRemoved(key);
  }

  /** An ownership event (an assignment or the sealed removal of the last one). */
  void onOwnerEvent(OwnerEvent event) {
    owners.onEvent(event);
  }

  /** An ownership event that did not frame. */
  void onMalformedEvent() {
    owners.unverified();
  }

  /** A node-status entry (initial scan or entry event). */
  void onNodeState(String name, byte[] sealed) {
    nodeStates.onValue(name, sealed);
  }

  /** A node-status entry was deleted (never by vipd). */
  void onNodeStateRemoved(String name) {
    nodeStates.onRemoved(name);
  }

  /** Hazelcast is merging this side into another, or stopping: hold nothing until resumed. */
  void suspend(Reason reason) {
    if (!suspended) {
      hadQuorumWhileSplit = quorum;
    }
    suspended = true;
    tracker.setMayOwn(false, reason);
  }

  void resume() {
    suspended = false;
  }

  /** Whether Hazelcast is merging this side into another (between MERGING and MERGED). */
  boolean suspended() {
    return suspended;
  }

  /** Stops for good: releases everything, evaluates no more. */
  void close() {
    closed = true;
    tracker.setMayOwn(false, Reason.MEMBER_LOST);
  }

  /** Whether this node may answer for what it holds (the fencing deadline is pushed only then). */
  boolean mayAnswer() {
    return !closed && !suspended && trust.trusted() && quorum;
  }

  /** After this side merged into another: relays what it knows ({@link OwnerTable#relayKnown}). */
  void relayKnown() {
    if (!hadQuorumWhileSplit) {
      return; // this side owned nothing while split (majority policy): nothing to relay
    }
    owners.relayKnown();
  }

  OwnershipTracker tracker() {
    return tracker;
  }

  /** This member has joined (Hazelcast started): the settle window starts now. */
  void joined() {
    joinedNanos = ticker.getAsLong();
  }

  // ---- evaluation ---------------------------------------------------------------------------

  /** Recomputes view, quorum and writer; the writer publishes what changed. */
  void evaluate() {
    if (closed) {
      return;
    }
    view = membership.members();
    // Read, not pushed: a suspicion that was cleared, or a peer the beacons dropped and re-added
    // (a healed split), must never linger here after the detector let it go.
    suspects = Set.copyOf(membership.suspects());
    List<ViewMember> peers = new ArrayList<>();
    int unverified = 0;
    for (ViewMember m : view) {
      if (!m.self() && m.verified() && !m.name().equals(self)) {
        peers.add(m);
      }
      unverified += m.verified() ? 0 : 1;
    }
    if (!peers.equals(beaconPeers)) {
      beaconPeers = peers;
      membership.setBeaconPeers(peers);
    }
    trust.observe(view);
    nodeStates.publish(nodeStates.status(), pools, standby(false), false); // may have changed
    nodeStates.repair();
    long nowMillis = clock.millis();
    long sinceJoined = TimeUnit.NANOSECONDS.toMillis(ticker.getAsLong() - joinedNanos);
    Round round = Round.of(candidates(), pools, current(), settings.policy(),
        nodeStates.nowMillis(), sinceJoined, expectedMembers, poolAgesMillis());
    quorum = round.quorum();
    tracker.setMayOwn(mayAnswer(), quorum ? Reason.MEMBER_LOST : Reason.QUORUM_LOST);
    writer = round.writer();
    long noticed = causeMillis == Long.MAX_VALUE ? nowMillis : causeMillis;
    causeMillis = Long.MAX_VALUE;
    if (owners.hasHealConflicts()) {
      if (self.equals(writer) && !fenced.getAsBoolean() && !suspended && quorum) {
        ElectionInput in = round.input();
        owners.resolveHeal(in::mayKeep, this::undecided, nowMillis, ticker.getAsLong());
        round = Round.of(candidates(), pools, current(), settings.policy(),
            nodeStates.nowMillis(), sinceJoined, expectedMembers, poolAgesMillis());
      } else {
        owners.settleHeal(self, ticker.getAsLong());
      }
    }
    if (self.equals(writer) && !fenced.getAsBoolean() && !suspended && quorum) {
      owners.write(WritePlan.of(round.input(), tracker.known(), tracker::floor, nowMillis,
          noticed), nowMillis);
    }
    membersGauge.set((int) round.input().nodes().stream().filter(n -> n.verified()).count());
    quorumGauge.set(quorum ? 1 : 0);
    unverifiedGauge.set(unverified);
  }

  private Map<InetAddress, Ownership> current() {
    Map<InetAddress, Ownership> current = new LinkedHashMap<>();
    for (Assignment a : tracker.known().values()) {
      current.put(a.vip(), new Ownership(a.node(), a.epoch()));
    }
    return current;
  }

  /** The view with each member's published status, as the election step reads it. */
  private List<Candidate> candidates() {
    List<Candidate> candidates = new ArrayList<>(view.size());
    Map<String, Set<String>> wireSilent = WireVerdicts.of(view, this::verified, nodeStates::of);
    for (ViewMember m : view) {
      boolean verified = verified(m);
      boolean suspected = suspects.contains(m.name());
      NodeState s = nodeStates.of(m);
      String standby = m.self() ? standby(true) : s == null ? "" : s.standby();
      candidates.add(s == null
          ? Candidate.unpublished(m.name(), m.labels(), verified, suspected)
          : new Candidate(m.name(), m.labels(), verified, suspected, true, s.drained(),
              s.leaving(), s.unhealthyPools(), s.linkDownPools(),
              nodeStates.eligibleSinceMillis(m), !standby.isEmpty(), s.pools(), s.unservable(),
              wireSilent.getOrDefault(m.name(), Set.of())));
    }
    return candidates;
  }

  /** Whether peer {@code node} is unsettled after a merge: no status, standby or suspected. */
  private boolean undecided(String node) {
    for (ViewMember m : view) {
      if (m.name().equals(node) && !m.self()) {
        NodeState s = nodeStates.of(m);
        return s == null || !s.standby().isEmpty() || suspects.contains(node);
      }
    }
    return false;
  }

  /** Whether {@code m} verified, and for this node also whether it trusts its own key. */
  private boolean verified(ViewMember m) {
    return m.verified() && !(m.self() && !trust.trusted());
  }

  // ---- status -------------------------------------------------------------------------------

  ClusterStatus status() {
    List<MemberStatus> members = new ArrayList<>();
    for (ViewMember m : view) {
      NodeState s = nodeStates.of(m);
      members.add(new MemberStatus(m.name(), m.address(), verified(m),
          suspects.contains(m.name()), s != null && s.drained(), s != null && s.leaving(),
          s == null ? Set.of() : s.unhealthyPools(), s == null ? Set.of() : s.linkDownPools(),
          m.self(), m.startTimeMillis(), s == null ? WireState.NONE : s.wire()));
    }
    List<String> problems = new ArrayList<>();
    if (!trust.trusted()) {
      problems.add(trust.problem());
    }
    return new ClusterStatus(self, writer, quorum, fenced.getAsBoolean(), members,
        tracker.table(), problems);
  }
}
