package dev.vipd.cluster;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.vipd.cluster.auth.NodeIdentity;
import dev.vipd.cluster.auth.SerializationFilters;
import dev.vipd.cluster.beacon.BeaconService;
import dev.vipd.cluster.election.ElectionInput;
import dev.vipd.cluster.election.Policy;
import dev.vipd.cluster.election.Pool;
import dev.vipd.cluster.election.Quorum;
import dev.vipd.cluster.member.HazelcastConfigs;
import dev.vipd.cluster.member.HazelcastTables;
import dev.vipd.cluster.member.HostPort;
import dev.vipd.cluster.member.MemberAttributes;
import dev.vipd.cluster.member.MembershipView;
import dev.vipd.cluster.member.Tables;
import dev.vipd.cluster.member.WireState;
import dev.vipd.cluster.ownership.Assignment;
import dev.vipd.cluster.ownership.OwnershipListener;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One vipd node in the cluster: an embedded Hazelcast member, liveness beacons, the shared
 * ownership table with one writer, fencing after pauses, and graceful hand-over. A facade over
 * its parts: the {@link Coordinator} (decisions), the {@link Tables} (replicated state), the
 * {@link Fencing}, the {@link ClusterThread} and the {@link BeaconService}.
 * <p><b>Threads.</b> Hazelcast and beacon callbacks only post work to the cluster thread, which
 * owns all state and calls the {@link OwnershipListener}.
 * <p><b>Fencing.</b> Every beacon interval, while not fenced, {@link
 * OwnershipListener#answerDeadline} is pushed to the start of that run plus the suspicion
 * timeout. When the cluster thread (or the beacon thread) sees that this process was not
 * scheduled for longer than the suspicion timeout, the node is fenced at once and no more
 * deadlines are pushed. A fixed-rate schedule fires the runs it missed at once on resume, and the
 * first of them sees the gap and fences, so none of them pushes. The data plane's own thread may
 * run before any of ours on resume, but the deadline it checks was last set before the pause to
 * at most the suspicion timeout ahead, so it is already past: frames queued during the pause are
 * not answered, nothing is refreshed or announced.
 * <p>Unfencing takes two conditions: the hold ({@link Fencing}) and being merged back: no
 * <em>stranger</em> ({@link BeaconService#strangers}), that is no node whose fresh, verified
 * beacons show it alive while it is missing from our Hazelcast view or has us missing from its
 * view, and Hazelcast is not merging. The reason: a pause longer than Hazelcast's heartbeat
 * timeout splits the cluster; on waking, this node's own Hazelcast drops the others and forms a
 * cluster alone, in which it is the writer with quorum {@code none} and would assign every VIP to
 * itself ({@code member-lost}) and announce them until the merge some seconds later. The others,
 * meanwhile, have moved its VIPs and keep beaconing it as a non-member. Beacons are the evidence
 * that they are alive (a dead peer sends none, so a node whose peers really died unfences after
 * the hold and takes over as before). While fenced the node writes nothing as writer and, with
 * its deadline past, sends nothing for what it holds. On unfencing it re-reads the table (the
 * merge brought the others' assignments) and evaluates: what moved away is released, what the
 * table still names it for at the same epochs is ours.
 * <p><b>Healed splits.</b> Hazelcast merges the smaller side into the larger; the owners
 * table's merge policy keeps the assignment that {@link dev.vipd.cluster.ownership.Precedence}
 * prefers. The merge fires entry events on some members only, so the merged side relays every
 * assignment it knows as an event after {@code MERGED}, and every member re-reads the tables
 * shortly after a member was added; trackers apply the same precedence, so all views converge on
 * the merged table and the writer, whose table is then the merged one, publishes only real
 * changes on top.
 * <p><b>Known races.</b> (1) A pause shorter than the suspicion timeout is not detected; peers
 * do not suspect us either. (2) A node whose Hazelcast still lists peers that already dropped
 * it learns it from their not-member beacons; with the beacon port blocked and Hazelcast open
 * it would unfence after the hold and hold stale VIPs until Hazelcast notices. (3) Suspicion is
 * not symmetric: a peer may suspect us while we do not know; two members may then both act as
 * writer for a moment; equal epochs are settled by the smaller node name, higher epochs win
 * everywhere. (4) The merge policy cannot verify MACs; readers do, and the writer rewrites
 * entries it could not verify. (5) A VIP removed before every member that saw its epoch left may
 * get a lower epoch from a new writer; only nodes that remember the higher epoch ignore it until
 * a later change.
 *
 * <p><b>Lifecycle</b> ({@code LATENT -> STARTED -> CLOSED}): {@link #start} returns once joined
 * (with or without quorum), throws {@link DuplicateNodeNameException} when an older member has
 * this node's name, and shuts Hazelcast down again whenever a step after its start fails; {@link
 * #close} stops at once without hand-over; {@link #leave} hands over first.
 */
public final class ClusterNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);

  /** Re-election tick: preemption delays and anything a lost event would have triggered. */
  private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** How long {@link #close} waits for the cluster thread to release everything. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  private enum State { LATENT, STARTED, CLOSED }

  private final ClusterSettings settings;
  private final OwnershipListener listener;
  private final Clock clock;
  private final LongSupplier ticker;
  private final Fencing fencing;
  private final ClusterThread thread;
  private final AtomicReference<State> state = new AtomicReference<>(State.LATENT);
  private HazelcastInstance hz;
  private Tables tables;
  private Coordinator core;
  private Triggers triggers;
  private BeaconService beacons;

  private ClusterNode(ClusterSettings s, OwnershipListener listener, MeterRegistry registry,
      Clock clock, LongSupplier ticker) {
    this.settings = s;
    this.listener = listener;
    this.clock = clock;
    this.ticker = ticker;
    this.fencing = new Fencing(s.nodeName(), s.profile().suspicionTimeoutNanos(),
        s.profile().intervalNanos(), ticker, registry);
    this.thread = new ClusterThread(s.nodeName(), task -> fencing.awake(task, this::holdFence));
  }

  /** Joins the cluster; returns once joined, with or without quorum. */
  public static ClusterNode start(
      ClusterSettings s, List<Pool> pools, OwnershipListener l, MeterRegistry registry)
      throws IOException {
    return start(s, pools, l, registry, Set.of(), Set.of(), false);
  }

  /**
   * Like {@link #start(ClusterSettings, List, OwnershipListener, MeterRegistry)}, with this node's
   * conditions known before it joins: the status it first publishes already names the pools it
   * may not own, so the writer never places a VIP here in the moment between joining and the
   * first {@link #setUnhealthyPools} (health checks start down; a drained node stays drained).
   */
  public static ClusterNode start(
      ClusterSettings s, List<Pool> pools, OwnershipListener l, MeterRegistry registry,
      Set<String> unhealthyPools, Set<String> linkDownPools, boolean drained)
      throws IOException {
    return start(s, pools, l, registry, unhealthyPools, linkDownPools, drained,
        Clock.systemUTC(), System::nanoTime);
  }

  /**
   * Like the above, on the given wall clock and monotonic ticker (nanoseconds). Whatever fails
   * after the Hazelcast member started shuts it down again before this throws.
   *
   * @throws DuplicateNodeNameException when an older member already has this node's name
   * @throws IOException when Hazelcast or the beacon socket cannot start
   */
  public static ClusterNode start(
      ClusterSettings s, List<Pool> pools, OwnershipListener l, MeterRegistry registry,
      Set<String> unhealthyPools, Set<String> linkDownPools, boolean drained,
      Clock clock, LongSupplier ticker) throws IOException {
    checkPools(pools);
    long start = clock.millis();
    ClusterNode node = new ClusterNode(s, l, registry, clock, ticker);
    try {
      long now = ticker.getAsLong();
      node.join(pools, registry, ticker, start,
          st -> st.withConditions(unhealthyPools, linkDownPools, now).withDrained(drained, now));
    } catch (IOException | RuntimeException e) {
      node.close();
      throw e;
    }
    return node;
  }

  private void join(List<Pool> pools, MeterRegistry registry, LongSupplier ticker, long start,
      UnaryOperator<SelfStatus> initial) throws IOException {
    ClusterSettings s = settings;
    NodeIdentity identity =
        new NodeIdentity(s.nodeName(), HostPort.format(s.bindAddress(), s.port()), start);
    SerializationFilters.installJvmWideIfAbsent(
        SerializationFilters.create(SerializationFilters.DEFAULT_PACKAGES));
    MembershipView membership = new MembershipView(s.secret(), registry);
    try {
      hz = Hazelcast.newHazelcastInstance(HazelcastConfigs.build(s.clusterName(), s.nodeName(),
          s.bindAddress(), s.port(), s.peers(),
          MemberAttributes.of(identity, s.labels(), s.secret())));
    } catch (RuntimeException e) {
      throw new IOException("starting Hazelcast member " + identity.address() + " of cluster "
          + s.clusterName() + ": " + e.getMessage(), e);
    }
    Optional<String> namesake = MembershipView.olderNamesake(hz.getCluster().getMembers(),
        s.nodeName());
    if (namesake.isPresent()) {
      throw new DuplicateNodeNameException(s.nodeName(), namesake.get());
    }
    tables = new HazelcastTables(hz, s.nodeName());
    core = new Coordinator(s, start, pools, listener, registry, thread.scheduler(), tables,
        new HazelcastMembership(hz, membership, () -> beacons, s.beaconPort()), clock, ticker,
        fencing::fenced);
    core.updateSelfQuietly(initial.apply(core.selfStatus()));
    triggers = new Triggers(thread, core, clock, this::fence);
    beacons = new BeaconService(s.nodeName(), start,
        new InetSocketAddress(s.bindAddress(), s.beaconPort()), s.profile(),
        s.profile().suspicionTimeoutNanos(), s.secret(), triggers, registry, ticker);
    if (!state.compareAndSet(State.LATENT, State.STARTED)) {
      throw new IllegalStateException("cluster node " + s.nodeName() + " closed while starting");
    }
    // First: it keeps the cluster thread's idle gaps short from now on (see Fencing).
    fencing.watchFromNow();
    thread.atFixedRate(this::pushDeadline, s.profile().intervalNanos());
    beacons.setOthers(s.otherHosts());
    beacons.start();
    hz.getCluster().addMembershipListener(triggers);
    tables.listen(triggers);
    hz.getLifecycleService().addLifecycleListener(triggers);
    thread.call(() -> {
      core.joined();
      core.rescan();
      core.republishSelf();
      core.evaluate();
      return null;
    });
    thread.withFixedDelay(core::evaluate, TICK_NANOS);
    log.info("op=cluster-start node={} members={}", s.nodeName(),
        hz.getCluster().getMembers().size());
  }

  /** Replaces the pools (configuration reload). */
  public void updatePools(List<Pool> pools) {
    checkPools(pools);
    triggers.post(false, () -> {
      core.setPools(pools);
      core.evaluate();
    });
  }

  /** Sets the pools whose health checks fail on this node. */
  public void setUnhealthyPools(Set<String> pools) {
    Set<String> copy = Set.copyOf(pools);
    updateState(s -> s.withConditions(copy, s.linkDownPools(), ticker.getAsLong()));
  }

  /** Sets the pools whose interface has no carrier on this node. */
  public void setLinkDownPools(Set<String> pools) {
    Set<String> copy = Set.copyOf(pools);
    updateState(s -> s.withConditions(s.unhealthyPools(), copy, ticker.getAsLong()));
  }

  /**
   * Replaces the set of VIPs this node cannot serve now (bind, group join or filter failed),
   * published in its signed status: the writer places none of them here and moves those it
   * holds elsewhere (reason {@code unservable}); one that leaves the set is eligible here again
   * but is not taken back unless its pool preempts. Published before this returns; any thread.
   */
  public void setUnservable(Set<InetAddress> vips) {
    Set<InetAddress> copy = Set.copyOf(vips);
    updateState(s -> s.withUnservable(copy));
  }

  /** Publishes this node's wire check state (pool MACs, silent owners, suspicion; issue 13). */
  public void setWire(WireState wire) {
    updateState(s -> s.withWire(Objects.requireNonNull(wire, "wire")));
  }

  /**
   * Hands every VIP of this node over (reason {@code drain}) and waits until the table names
   * this node for nothing and every release has fired.
   *
   * @return true once none is ours; false when {@code timeout} passed first
   */
  public boolean drain(Duration timeout) {
    updateState(s -> s.withDrained(true, ticker.getAsLong()));
    return awaitNothingOwned(timeout);
  }

  /** Clears the drained flag; the node becomes eligible again (it takes nothing back by itself). */
  public void undrain() {
    updateState(s -> s.withDrained(false, ticker.getAsLong()));
  }

  /**
   * Graceful hand-over before stopping (reason {@code leave}): successors are named and announce
   * before this node releases. Call {@link #close()} afterwards.
   */
  public boolean leave(Duration timeout) {
    beacons.setLeaving(true); // started: only then can callers reach this
    updateState(SelfStatus::asLeaving);
    return awaitNothingOwned(timeout);
  }

  /** A snapshot of the cluster as this node sees it. */
  public ClusterStatus status() {
    return thread.call(core::status);
  }

  /**
   * The VIPs this node holds now (acquired and not released), each with the pool, epoch and
   * reason of the assignment it acquired: what a configuration reload must reconcile against
   * (release by the pool and interface in force when acquired, whatever it no longer serves).
   */
  public List<Assignment> held() {
    return thread.call(() -> List.copyOf(core.tracker().held().values()));
  }

  /**
   * Whether this node still answers for {@code vip} only during the hand-over grace, its
   * successor already named: a claim from another MAC is then expected, not a conflict. Never
   * blocks (the data plane asks from its receive thread).
   */
  public boolean isHandingOver(InetAddress vip) {
    Coordinator c = core;
    return c != null && c.tracker().isHandingOver(vip);
  }

  /** Stops at once, without hand-over: releases everything locally, leaves Hazelcast. */
  @Override
  public void close() {
    if (state.getAndSet(State.CLOSED) == State.CLOSED) {
      return;
    }
    if (core != null) {
      thread.runAndWait(core::close, CLOSE_WAIT);
    }
    if (beacons != null) {
      beacons.close();
    }
    fencing.close();
    if (tables != null) {
      tables.close();
    }
    if (hz != null) {
      try {
        hz.getLifecycleService().terminate();
      } catch (RuntimeException e) {
        log.warn("op=hazelcast-terminate node={} error={}", settings.nodeName(), e.toString());
      }
    }
    thread.close();
    log.info("op=cluster-closed node={}", settings.nodeName());
  }

  // ---- internals ----------------------------------------------------------------------------

  private static void checkPools(List<Pool> pools) {
    // The election input validates pool names and VIP uniqueness across pools.
    new ElectionInput(List.of(), pools, Map.of(), Set.of(), new Policy(Quorum.NONE, 1), 0);
  }

  private void updateState(UnaryOperator<SelfStatus> change) {
    long noticed = clock.millis();
    thread.call(() -> {
      SelfStatus next = change.apply(core.selfStatus());
      if (!next.equals(core.selfStatus())) {
        core.cause(noticed);
        core.updateSelf(next);
        core.evaluate();
      }
      return null;
    });
  }

  private boolean awaitNothingOwned(Duration timeout) {
    return thread.await(() -> !core.tracker().ownsAnything(), timeout);
  }

  /** Pushes the answer deadline; only from a run that saw no gap (see the class comment). */
  private void pushDeadline() {
    if (fencing.fenced() || !core.mayAnswer()) {
      return;
    }
    long deadline = fencing.deadline();
    try {
      listener.answerDeadline(deadline);
    } catch (RuntimeException e) {
      log.warn("op=ownership-listener error={}", e.toString(), e);
    }
  }

  /** Any thread: fences (the beacon thread saw a pause) and schedules the unfence check. */
  private void fence(long pausedNanos) {
    holdFence(fencing.fence(pausedNanos));
  }

  private void holdFence(long generation) {
    thread.schedule(() -> unfence(generation), fencing.holdNanos());
  }

  /** After the hold: unfences once merged back (see the class comment), else checks again. */
  private void unfence(long generation) {
    switch (fencing.check(generation, beacons.strangers(), core.suspended())) {
      case STALE -> { }
      case HOLD -> thread.schedule(() -> unfence(generation), fencing.intervalNanos());
      case READY -> {
        core.rescan();
        core.evaluate(); // still fenced: releases what moved away, writes nothing
        fencing.unfence(core.tracker().held().size());
        core.evaluate();
        pushDeadline();
      }
    }
  }
}
