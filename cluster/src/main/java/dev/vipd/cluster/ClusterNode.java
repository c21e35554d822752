package dev.vipd.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.MapEvent;
import com.hazelcast.replicatedmap.ReplicatedMap;
import com.hazelcast.topic.ITopic;
import dev.vipd.cluster.auth.NodeIdentity;
import dev.vipd.cluster.auth.SerializationFilters;
import dev.vipd.cluster.beacon.BeaconService;
import dev.vipd.cluster.election.ElectionInput;
import dev.vipd.cluster.election.Pool;
import dev.vipd.cluster.election.Reason;
import dev.vipd.cluster.member.HazelcastConfigs;
import dev.vipd.cluster.member.MemberAttributes;
import dev.vipd.cluster.member.MembershipView;
import dev.vipd.cluster.member.NodeState;
import dev.vipd.cluster.member.ViewMember;
import dev.vipd.cluster.ownership.Vips;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One vipd node in the cluster: an embedded Hazelcast member, liveness beacons, the shared
 * ownership table with one writer, fencing after pauses, and graceful hand-over.
 *
 * <p><b>Threads.</b> Hazelcast and beacon callbacks only post work to one cluster thread ({@code
 * vipd-cluster-NAME}), which owns all state and calls the {@link OwnershipListener}. Writes to
 * the replicated maps run on a second thread ({@code vipd-publish-NAME}): a {@code
 * ReplicatedMap.put} is an invocation on the key's partition owner and can block ~3 s when that
 * owner died silently. Assignments are therefore also published as events on a topic, which
 * never waits on a partition; readers take whichever copy arrives first (epochs order them).
 *
 * <p><b>Fencing.</b> Every beacon interval, while not fenced, {@link
 * OwnershipListener#answerDeadline} is pushed to now + suspicion timeout. Every task of the
 * cluster thread first checks how long that thread was idle; when it (or the beacon thread)
 * sees that this process was not scheduled for longer than the suspicion timeout, the node is
 * fenced at once and no more deadlines are pushed. The deadline is extended only by a run that
 * itself saw no gap: a fixed-rate schedule fires the runs it missed at once on resume, and the
 * first of them sees the gap and fences, so none of them pushes. The data plane's own thread may
 * run before any of ours on resume, but the deadline it checks was last set before the pause to
 * at most the suspicion timeout ahead, so it is already past: frames queued during the pause are
 * not answered, nothing is refreshed or announced.
 *
 * <p>Unfencing takes two conditions. (1) The hold, {@link #fenceHoldNanos}: the suspicion
 * timeout (peers may suspect us only that long after our last beacon), plus two beacon intervals
 * (the writer acts on the next evaluation), plus 1 s for the replication of the reassignment to
 * reach us. (2) Merged back: no <em>stranger</em> ({@link BeaconService#strangers}), that is no
 * node whose fresh, verified beacons show it alive while it is missing from our Hazelcast view
 * or has us missing from its view, and Hazelcast is not merging. The reason: a pause longer than
 * Hazelcast's heartbeat timeout splits the cluster; on waking, this node's own Hazelcast drops
 * the others and forms a cluster alone, in which it is the writer with quorum {@code none} and
 * would assign every VIP to itself ({@code member-lost}) and announce them until the merge some
 * seconds later. The others, meanwhile, have moved its VIPs and keep beaconing it as a
 * non-member. Beacons are the evidence that they are alive (a dead peer sends none, so a node
 * whose peers really died unfences after the hold and takes over as before). While fenced the
 * node writes nothing as writer and, with its deadline past, sends nothing for what it holds.
 * On unfencing it re-reads the table (the merge brought the others' assignments) and evaluates:
 * what moved away is released, what the table still names it for at the same epochs is ours.
 *
  * <p><b>Healed splits.</b> Hazelcast merges the smaller side into the larger; the owners
 * table's merge policy keeps the higher epoch, ties to the smaller node name. The merge fires
 * entry events on some members only, so the merged side relays every assignment it knows as an
 * event after {@code MERGED}, and every member re-reads the tables shortly after a member was
 * added; trackers keep whichever assignment precedes, so all views converge on the merged table
 * and the writer, whose table is then the merged one, publishes only real changes on top.
 *
 * <p><b>Known races.</b> (1) A pause shorter than the suspicion timeout is not detected; peers
 * do not suspect us either. (2) A node whose Hazelcast still lists peers that already dropped
 * it learns it from their not-member beacons; with the beacon port blocked and Hazelcast open
 * it would unfence after the hold and hold stale VIPs until Hazelcast notices. (3) Suspicion is not symmetric: a peer may suspect us while we do not know;
 * two members may then both act as writer for a moment; equal epochs are settled by the smaller
 * node name, higher epochs win everywhere. (4) The merge policy cannot verify MACs; readers do,
 * and the writer rewrites entries it could not verify. (5) A VIP removed before every member
 * that saw its epoch left may get a lower epoch from a new writer; only nodes that remember the
 * higher epoch ignore it until a later change.
 *
 * <p>Lifecycle: {@link #start} returns once joined (with or without quorum); {@link #close} stops
 * at once without hand-over; {@link #leave} hands over first.
 */
public final class ClusterNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);

  /** Re-election tick: preemption delays and anything a lost event would have triggered. */
  private static final long TICK_MILLIS = 1_000;

  /** When to re-read the tables after a member was added (a merge may have changed them). */
  private static final long RESCAN_AFTER_JOIN_MILLIS = 2_000;

  /** Replication slack of the fence hold (see the class comment). */
  private static final long REPLICATION_SLACK_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final ClusterSettings settings;
  private final HazelcastInstance hz;
  private final ReplicatedMap<String, byte[]> owners;
  private final ReplicatedMap<String, byte[]> nodes;
  private final ITopic<byte[]> events;
  private final ScheduledExecutorService cluster;
  private final ExecutorService publisher;
  private final OwnershipListener listener;
  private final Coordinator core;
  private final BeaconService beacons;
  private final AtomicInteger fencedGauge;
  private final AtomicLong fenceGeneration = new AtomicLong();
  private final long fenceHoldNanos;
  private volatile boolean fenced;
  private volatile boolean closed;
  private long lastAwake;
  private long idleSince;
  private boolean mergeWaitLogged;

  private ClusterNode(
      ClusterSettings s, List<Pool> pools, OwnershipListener listener, MeterRegistry registry)
      throws IOException {
    this.settings = s;
    this.listener = listener;
    long start = System.currentTimeMillis();
    NodeIdentity identity =
        new NodeIdentity(s.nodeName(), MemberAttributes.address(s.bindAddress(), s.port()), start);
    SerializationFilters.installJvmWideIfAbsent(
        SerializationFilters.create(SerializationFilters.DEFAULT_PACKAGES));
    long suspicion = s.profile().suspicionTimeoutNanos();
    this.fenceHoldNanos = suspicion + 2 * s.profile().intervalNanos() + REPLICATION_SLACK_NANOS;
    this.fencedGauge = registry.gauge("vipd.cluster.fenced", new AtomicInteger());
    this.cluster = Executors.newSingleThreadScheduledExecutor(daemon("vipd-cluster-" + s.nodeName()));
    this.publisher = Executors.newSingleThreadExecutor(daemon("vipd-publish-" + s.nodeName()));
    MembershipView membership = new MembershipView(s.secret(), registry);
    try {
      this.hz = Hazelcast.newHazelcastInstance(
          HazelcastConfigs.build(s, MemberAttributes.of(identity, s.labels(), s.secret())));
    } catch (RuntimeException e) {
      cluster.shutdownNow();
      publisher.shutdownNow();
      throw new IOException("starting Hazelcast member " + identity.address() + " of cluster "
          + s.clusterName() + ": " + e.getMessage(), e);
    }
    this.owners = hz.getReplicatedMap(HazelcastConfigs.OWNERS);
    this.nodes = hz.getReplicatedMap(HazelcastConfigs.NODES);
    this.events = hz.getTopic(HazelcastConfigs.OWNER_EVENTS);
    this.core = new Coordinator(s, start, pools, listener, registry, cluster, new Io(membership));
    this.beacons = new BeaconService(s.nodeName(), start,
        new InetSocketAddress(s.bindAddress(), s.beaconPort()), s.profile(), suspicion,
        s.secret(), new Beacons(), registry, System::nanoTime);
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
    checkPools(pools);
    ClusterNode node = new ClusterNode(s, pools, l, registry);
    NodeState initial = node.core.selfState();
    node.core.updateSelfQuietly(new NodeState(initial.name(), initial.startTimeMillis(),
        Set.copyOf(unhealthyPools), Set.copyOf(linkDownPools), drained, false,
        initial.eligibleSinceMillis()));
    try {
      node.begin();
    } catch (IOException | RuntimeException e) {
      node.close();
      throw e;
    }
    return node;
  }

  private void begin() throws IOException {
    call(() -> idleSince = lastAwake = System.nanoTime());
    // First: it keeps the cluster thread's idle gaps short from now on (see awake).
    cluster.scheduleAtFixedRate(() -> awake(this::pushDeadline), 0,
        settings.profile().intervalNanos(), TimeUnit.NANOSECONDS);
    beacons.setOthers(otherHosts(settings));
    beacons.start();
    hz.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        post(System.currentTimeMillis(), core::evaluate);
        // A member added may be a healed split merging in: read the merged table again once
        // the merge has been applied (a merge fires entry events on some members only).
        try {
          cluster.schedule(() -> awake(() -> {
            scan();
            core.evaluate();
          }), RESCAN_AFTER_JOIN_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
          // closed
        }
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        post(System.currentTimeMillis(), core::evaluate);
      }
    });
    owners.addEntryListener(new MapListener(true));
    nodes.addEntryListener(new MapListener(false));
    events.addMessageListener(m -> post(0, () -> core.onOwnerEvent(m.getMessageObject())));
    hz.getLifecycleService().addLifecycleListener(this::lifecycle);
    call(() -> {
      core.joined(now());
      scan();
      core.updateSelf(core.selfState());
      core.evaluate();
      return null;
    });
    cluster.scheduleWithFixedDelay(() -> awake(core::evaluate), TICK_MILLIS, TICK_MILLIS,
        TimeUnit.MILLISECONDS);
    log.info("op=cluster-start node={} members={}", settings.nodeName(),
        hz.getCluster().getMembers().size());
  }

  private void scan() {
    nodes.entrySet().forEach(e -> core.onNodeState(e.getKey(), e.getValue()));
    owners.entrySet().forEach(e -> core.onOwnerValue(e.getKey(), e.getValue()));
  }

  /** Replaces the pools (configuration reload). */
  public void updatePools(List<Pool> pools) {
    checkPools(pools);
    post(0, () -> {
      core.setPools(pools);
      core.evaluate();
    });
  }

  /** Sets the pools whose health checks fail on this node. */
  public void setUnhealthyPools(Set<String> pools) {
    Set<String> copy = Set.copyOf(pools);
    updateState(s -> new NodeState(s.name(), s.startTimeMillis(), copy, s.linkDownPools(),
        s.drained(), s.leaving(), eligibleSince(s, copy, s.linkDownPools(), s.drained())));
  }

  /** Sets the pools whose interface has no carrier on this node. */
  public void setLinkDownPools(Set<String> pools) {
    Set<String> copy = Set.copyOf(pools);
    updateState(s -> new NodeState(s.name(), s.startTimeMillis(), s.unhealthyPools(), copy,
        s.drained(), s.leaving(), eligibleSince(s, s.unhealthyPools(), copy, s.drained())));
  }

  /**
   * Hands every VIP of this node over (reason {@code drain}) and waits until the table names
   * this node for nothing and every release has fired.
   *
   * @return true once none is ours; false when {@code timeout} passed first
   */
  public boolean drain(Duration timeout) {
    updateState(s -> new NodeState(s.name(), s.startTimeMillis(), s.unhealthyPools(),
        s.linkDownPools(), true, s.leaving(), s.eligibleSinceMillis()));
    return awaitNothingOwned(timeout);
  }

  /** Clears the drained flag; the node becomes eligible again (it takes nothing back by itself). */
  public void undrain() {
    updateState(s -> new NodeState(s.name(), s.startTimeMillis(), s.unhealthyPools(),
        s.linkDownPools(), false, s.leaving(), s.drained() ? now() : s.eligibleSinceMillis()));
  }

  /**
   * Graceful hand-over before stopping (reason {@code leave}): successors are named and announce
   * before this node releases. Call {@link #close()} afterwards.
   */
  public boolean leave(Duration timeout) {
    beacons.setLeaving(true);
    updateState(s -> new NodeState(s.name(), s.startTimeMillis(), s.unhealthyPools(),
        s.linkDownPools(), s.drained(), true, s.eligibleSinceMillis()));
    return awaitNothingOwned(timeout);
  }

  /** A snapshot of the cluster as this node sees it. */
  public ClusterStatus status() {
    return call(core::status);
  }

  /**
   * Whether this node still answers for {@code vip} only during the hand-over grace, its
   * successor already named: a claim from another MAC is then expected, not a conflict. Never
   * blocks (the data plane asks from its receive thread).
   */
  public boolean isHandingOver(InetAddress vip) {
    return core.tracker().isHandingOver(vip);
  }

  /** Stops at once, without hand-over: releases everything locally, leaves Hazelcast. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      cluster.submit(core::close).get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("op=cluster-close node={} error={}", settings.nodeName(), e.toString());
    }
    beacons.close();
    try {
      hz.getLifecycleService().terminate();
    } catch (RuntimeException e) {
      log.warn("op=hazelcast-terminate node={} error={}", settings.nodeName(), e.toString());
    }
    publisher.shutdownNow();
    cluster.shutdownNow();
    fencedGauge.set(0);
    log.info("op=cluster-closed node={}", settings.nodeName());
  }

  // ---- internals ----------------------------------------------------------------------------

  private static void checkPools(List<Pool> pools) {
    // The election input validates pool names and VIP uniqueness across pools.
    new ElectionInput(List.of(), pools, Map.of(), Set.of(), new dev.vipd.cluster.election.Policy(
        dev.vipd.cluster.election.Quorum.NONE, 1), 0);
  }

  private static long now() {
    return System.currentTimeMillis();
  }

  /** Eligibility restarts when the node becomes more eligible: a pool recovers or undrain. */
  private static long eligibleSince(
      NodeState s, Set<String> unhealthy, Set<String> linkDown, boolean drained) {
    boolean recovered = !unhealthy.containsAll(s.unhealthyPools())
        || !linkDown.containsAll(s.linkDownPools()) || (s.drained() && !drained);
    return recovered ? now() : s.eligibleSinceMillis();
  }

  private void updateState(java.util.function.UnaryOperator<NodeState> change) {
    call(() -> {
      NodeState next = change.apply(core.selfState());
      if (!next.equals(core.selfState())) {
        core.cause(now());
        core.updateSelf(next);
        core.evaluate();
      }
      return null;
    });
  }

  private boolean awaitNothingOwned(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (!call(() -> core.tracker().ownsAnything())) {
        return true;
      }
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /** The configured cluster hosts other than this one, at the beacon port. */
  private static List<InetSocketAddress> otherHosts(ClusterSettings s) {
    Set<InetSocketAddress> hosts = new java.util.LinkedHashSet<>();
    for (InetSocketAddress peer : s.peers()) {
      if (!peer.getAddress().equals(s.bindAddress())) {
        hosts.add(new InetSocketAddress(peer.getAddress(), s.beaconPort()));
      }
    }
    return List.copyOf(hosts);
  }

  /**
   * Runs a cluster-thread task after checking how long this thread was idle since its previous
   * task ended: idle longer than the suspicion timeout (the deadline task runs every beacon
   * interval) means this process was not scheduled, and the node is fenced first, before the
   * task can act on a view the pause made stale.
   *
   * @return whether this run saw such a gap
   */
  private boolean awake(Runnable task) {
    long now = System.nanoTime();
    long idle = now - idleSince;
    lastAwake = now;
    boolean paused = idle > settings.profile().suspicionTimeoutNanos();
    if (paused) {
      fence(idle);
    }
    if (fenced) {
      core.setFenced(true); // now, not queued: this very task must not write as the writer
    }
    try {
      task.run();
    } finally {
      idleSince = System.nanoTime();
    }
    return paused;
  }

  /** Pushes the answer deadline; only ever from a run that saw no gap (see the class comment). */
  private void pushDeadline() {
    long now = lastAwake;
    if (fenced || !core.mayAnswer()) {
      return;
    }
    safely(() -> listener.answerDeadline(now + settings.profile().suspicionTimeoutNanos()));
  }

  /** Fences now and unfences after the hold; any thread. */
  private void fence(long pausedNanos) {
    long generation = fenceGeneration.incrementAndGet();
    if (!fenced) {
      log.warn("op=fenced node={} paused_ms={} hold_ms={}", settings.nodeName(),
          pausedNanos / 1_000_000, fenceHoldNanos / 1_000_000);
    }
    fenced = true;
    fencedGauge.set(1);
    post(0, () -> core.setFenced(true));
    scheduleUnfence(generation, fenceHoldNanos);
  }

  private void scheduleUnfence(long generation, long delayNanos) {
    try {
      cluster.schedule(() -> awake(() -> unfence(generation)), delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  /** After the hold: unfences once merged back (see the class comment), else checks again. */
  private void unfence(long generation) {
    if (generation != fenceGeneration.get() || closed) {
      return;
    }
    Set<String> strangers = beacons.strangers();
    if (!strangers.isEmpty() || core.suspended()) {
      if (!mergeWaitLogged) {
        mergeWaitLogged = true;
        log.warn("op=fence-held node={} alive_outside_view={} merging={} hint=\"waiting to"
            + " merge back into the cluster before answering again\"", settings.nodeName(),
            strangers, core.suspended());
      }
      scheduleUnfence(generation, settings.profile().intervalNanos());
      return;
    }
    mergeWaitLogged = false;
    scan();
    core.evaluate();
    core.setFenced(false);
    fenced = false;
    fencedGauge.set(0);
    log.info("op=unfenced node={} held={}", settings.nodeName(), core.tracker().held().size());
    core.evaluate();
    if (!fenced) {
      pushDeadline();
    }
  }

  private void lifecycle(LifecycleEvent event) {
    switch (event.getState()) {
      case MERGING -> post(0, () -> core.suspend(Reason.MEMBER_LOST));
      case MERGED -> post(now(), () -> {
        core.resume();
        scan();
        core.updateSelf(core.selfState());
        core.evaluate();
        core.relayKnown();
      });
      case SHUTTING_DOWN, SHUTDOWN -> post(0, core::close);
      default -> { }
    }
  }

  private void post(long causeMillis, Runnable task) {
    try {
      cluster.execute(() -> awake(() -> {
        try {
          if (causeMillis > 0) {
            core.cause(causeMillis);
          }
          task.run();
        } catch (RuntimeException e) {
          log.warn("op=cluster-task node={} error={}", settings.nodeName(), e.toString(), e);
        }
      }));
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  private <T> T call(Callable<T> task) {
    try {
      return cluster.submit(task).get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for the cluster thread", e);
    } catch (Exception e) {
      throw new IllegalStateException("cluster thread of " + settings.nodeName() + ": " + e, e);
    }
  }

  private void safely(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("op=ownership-listener error={}", e.toString(), e);
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  private void async(String op, Runnable write) {
    try {
      publisher.execute(() -> {
        try {
          write.run();
        } catch (RuntimeException e) {
          if (!closed) {
            log.warn("op={} node={} error={}", op, settings.nodeName(), e.toString());
          }
        }
      });
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  /** Hazelcast side of the coordinator. */
  private final class Io implements Coordinator.Io {
    private final MembershipView membership;

    Io(MembershipView membership) {
      this.membership = membership;
    }

    @Override
    public List<ViewMember> members() {
      return membership.read(hz.getCluster().getMembers());
    }

    @Override
    public void setBeaconPeers(List<ViewMember> peers) {
      Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
      Set<String> seen = new HashSet<>();
      for (ViewMember m : peers) {
        if (seen.add(m.name())) {
          String host = m.address().substring(0, m.address().lastIndexOf(':'));
          host = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
          addresses.put(m.name(), new InetSocketAddress(host, settings.beaconPort()));
        }
      }
      beacons.setPeers(addresses);
    }

    @Override
    public Set<String> suspects() {
      return beacons.suspects();
    }

    @Override
    public void publish(Assignment a, byte[] sealed) {
      byte[] message = new byte[sealed.length + 1];
      message[0] = 1;
      System.arraycopy(sealed, 0, message, 1, sealed.length);
      events.publish(message);
      async("owner-put", () -> owners.put(Vips.format(a.vip()), sealed));
    }

    @Override
    public void publishRemoval(Assignment last, byte[] sealed) {
      byte[] message = new byte[sealed.length + 1];
      message[0] = 2;
      System.arraycopy(sealed, 0, message, 1, sealed.length);
      events.publish(message);
      async("owner-remove", () -> owners.remove(Vips.format(last.vip())));
    }

    @Override
    public void relay(Assignment a, byte[] sealed) {
      byte[] message = new byte[sealed.length + 1];
      message[0] = 1;
      System.arraycopy(sealed, 0, message, 1, sealed.length);
      events.publish(message);
    }

    @Override
    public void publishState(NodeState state) {
      byte[] sealed = state.seal(settings.secret());
      async("state-put", () -> nodes.put(state.name(), sealed));
    }
  }

  /** Beacon callbacks: suspicion feeds the view; a pause fences at once. */
  private final class Beacons implements BeaconService.Listener {
    @Override
    public void suspected(String name) {
      post(now(), core::evaluate); // the evaluation reads beacons.suspects(), which has it
    }

    @Override
    public void cleared(String name) {
      post(now(), core::evaluate);
    }

    @Override
    public void paused(long pausedNanos) {
      fence(pausedNanos);
    }

    @Override
    public void leaving(String name) {
      post(now(), core::evaluate);
    }
  }

  /** Entry events of the two replicated maps. */
  private final class MapListener implements com.hazelcast.core.EntryListener<String, byte[]> {
    private final boolean ownersMap;

    MapListener(boolean ownersMap) {
      this.ownersMap = ownersMap;
    }

    private void value(EntryEvent<String, byte[]> e) {
      String key = e.getKey();
      byte[] value = e.getValue();
      post(ownersMap ? 0 : now(), () -> {
        if (ownersMap) {
          core.onOwnerValue(key, value);
        } else {
          core.onNodeState(key, value);
          core.evaluate();
        }
      });
    }

    private void gone(EntryEvent<String, byte[]> e) {
      String key = e.getKey();
      byte[] old = e.getOldValue();
      post(0, () -> {
        if (ownersMap) {
          core.onOwnerRemoved(key, old);
        } else {
          core.onNodeState(key, null);
        }
      });
    }

    @Override
    public void entryAdded(EntryEvent<String, byte[]> e) {
      value(e);
    }

    @Override
    public void entryUpdated(EntryEvent<String, byte[]> e) {
      value(e);
    }

    @Override
    public void entryRemoved(EntryEvent<String, byte[]> e) {
      gone(e);
    }

    @Override
    public void entryEvicted(EntryEvent<String, byte[]> e) {
      gone(e);
    }

    @Override
    public void entryExpired(EntryEvent<String, byte[]> e) {
      gone(e);
    }

    @Override
    public void mapCleared(MapEvent e) {
      // nobody clears these maps
    }

    @Override
    public void mapEvicted(MapEvent e) {
      // nobody evicts these maps
    }
  }
}
