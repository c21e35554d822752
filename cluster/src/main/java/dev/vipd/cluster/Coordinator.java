package dev.vipd.cluster;

import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.cluster.election.ElectionInput;
import dev.vipd.cluster.election.Election;
import dev.vipd.cluster.election.Node;
import dev.vipd.cluster.election.Ownership;
import dev.vipd.cluster.election.Pool;
import dev.vipd.cluster.election.Reason;
import dev.vipd.cluster.member.MembershipView;
import dev.vipd.cluster.member.NodeState;
import dev.vipd.cluster.member.ViewMember;
import dev.vipd.cluster.ownership.AssignmentCodec;
import dev.vipd.cluster.ownership.OwnershipTracker;
import dev.vipd.cluster.ownership.Vips;
import dev.vipd.cluster.ownership.WritePlan;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state machine behind {@link ClusterNode}, confined to the cluster thread: the membership
 * view with verification and node status, quorum, the writer role, and the tracker. Hazelcast,
 * beacon and timer events only post work here; {@link #evaluate} recomputes everything from the
 * latest inputs, so a lost or reordered trigger costs at most one tick.
 *
 * <p>Not thread-safe: every method runs on the cluster thread.
 */
final class Coordinator {
  private static final Logger log = LoggerFactory.getLogger(Coordinator.class);
  /**
   * Longest wait at a cold start for the configured peers before placing new VIPs, counted from
   * the moment this member joined: hosts booted together join within a few seconds of each
   * other. Not from the process start: Hazelcast's own start takes ~2 s, and more in a cold JVM,
   * which would eat the window of the first member.
   */
  static final long SETTLE_MILLIS = 5_000;

  /** How the coordinator reaches Hazelcast and the beacons (tests need no fakes: real ones). */
  interface Io {
    List<ViewMember> members();

    void setBeaconPeers(List<ViewMember> verifiedPeers);

    /** The peers the beacons currently suspect (read at every evaluation, never cached). */
    Set<String> suspects();

    void publish(Assignment a, byte[] sealed);

    void publishRemoval(Assignment last, byte[] sealed);

    void publishState(NodeState state);

    /** Sends a known assignment again as an event only (no table write). */
    void relay(Assignment a, byte[] sealed);
  }

  private final String self;
  private final ClusterSettings settings;
  private final ClusterSecret secret;
  private final AssignmentCodec codec;
  private final Io io;
  private final OwnershipTracker tracker;
  private final Counter unverifiedValues;
  private final AtomicInteger membersGauge;
  private final AtomicInteger quorumGauge;
  private final AtomicInteger unverifiedGauge;

  private List<Pool> pools;
  private NodeState selfState;
  private final Map<String, NodeState> states = new LinkedHashMap<>();
  private Set<String> suspects = Set.of();
  private List<ViewMember> view = List.of();
  private List<ViewMember> beaconPeers = List.of();
  private final Set<String> repair = new HashSet<>();
  private boolean selfUnverified;
  private boolean quorum;
  private String writer;
  private boolean suspended;
  private boolean closed;
  private boolean fenced;
  private long causeMillis = Long.MAX_VALUE;
  private long joinedMillis;
  private final int expectedMembers;

  Coordinator(
      ClusterSettings settings,
      long startTimeMillis,
      List<Pool> pools,
      OwnershipListener listener,
      MeterRegistry registry,
      ScheduledExecutorService scheduler,
      Io io) {
    this.self = settings.nodeName();
    this.settings = settings;
    this.joinedMillis = startTimeMillis;
    this.expectedMembers = expectedMembers(settings);
    this.secret = settings.secret();
    this.codec = new AssignmentCodec(secret);
    this.io = io;
    this.pools = List.copyOf(pools);
    this.selfState = NodeState.initial(self, startTimeMillis);
    this.tracker =
        new OwnershipTracker(self, listener, registry, scheduler, settings.handoverGrace());
    this.unverifiedValues =
        Counter.builder("vipd.cluster.unverified.values")
            .description("owner-table and node-status values that failed verification")
            .register(registry);
    this.membersGauge = registry.gauge("vipd.cluster.members", new AtomicInteger());
    this.quorumGauge = registry.gauge("vipd.cluster.quorum", new AtomicInteger());
    this.unverifiedGauge = registry.gauge("vipd.cluster.unverified.members", new AtomicInteger());
  }

  // ---- inputs -------------------------------------------------------------------------------

  /** Records that the cause of the next change was noticed at {@code millis}. */
  void cause(long millis) {
    causeMillis = Math.min(causeMillis, millis);
  }

  void setPools(List<Pool> newPools) {
    pools = List.copyOf(newPools);
  }

  NodeState selfState() {
    return selfState;
  }

  /** Sets this node's status before it is first published (at start). */
  void updateSelfQuietly(NodeState state) {
    selfState = state;
  }

  /** Replaces this node's status, publishes it and re-evaluates. */
  void updateSelf(NodeState state) {
    selfState = state;
    tracker.setHandingOver(state.drained() || state.leaving());
    io.publishState(state);
  }

  /** A value of the owners table (initial scan or entry event). */
  void onOwnerValue(String key, byte[] sealed) {
    Optional<Assignment> a = codec.open(sealed);
    if (a.isEmpty() || !Vips.format(a.get().vip()).equals(key)) {
      unverifiedValues.increment();
      log.warn("op=owner-value-unverified vip={}", key);
      repair.add(key);
      return;
    }
    if (!tracker.offer(a.get())) {
      repair.add(key); // a stale value in the table: the writer rewrites the known one
    }
  }

  /** An entry of the owners table went away; {@code oldValue} may be null. */
  void onOwnerRemoved(String key, byte[] oldValue) {
    if (oldValue == null) {
      return;
    }
    codec.open(oldValue).ifPresent(tracker::remove);
  }

  /** An ownership event: kind 1 = assignment, 2 = removal, followed by the sealed value. */
  void onOwnerEvent(byte[] message) {
    if (message == null || message.length < 2) {
      unverifiedValues.increment();
      return;
    }
    byte[] sealed = java.util.Arrays.copyOfRange(message, 1, message.length);
    Optional<Assignment> a = message[0] == 1 ? codec.open(sealed) : codec.openRemoval(sealed);
    if (a.isEmpty()) {
      unverifiedValues.increment();
      return;
    }
    if (message[0] == 1) {
      tracker.offer(a.get());
    } else {
      tracker.remove(a.get());
    }
  }

  /** A node-status entry (initial scan or entry event); {@code sealed == null} removes it. */
  void onNodeState(String name, byte[] sealed) {
    if (sealed == null) {
      states.remove(name);
      return;
    }
    Optional<NodeState> state = NodeState.open(sealed, secret);
    if (state.isEmpty() || !state.get().name().equals(name)) {
      unverifiedValues.increment();
      states.remove(name);
      return;
    }
    states.put(name, state.get());
  }

  /** Hazelcast is merging this side into another, or stopping: hold nothing until resumed. */
  void suspend(Reason reason) {
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

  void close() {
    closed = true;
    tracker.setMayOwn(false, Reason.MEMBER_LOST);
  }

  void setFenced(boolean fenced) {
    this.fenced = fenced;
  }

  boolean mayAnswer() {
    return !closed && !suspended && !selfUnverified && quorum;
  }

  /**
   * After this side merged into another: sends every assignment this node knows as an event, so
   * that the other side learns what this side decided while split. Receivers keep whichever
   * precedes ({@link dev.vipd.cluster.ownership.OwnersMergePolicy#PRECEDENCE}), the same rule
   * the table's merge policy applies, so all members converge on the merged table even where
   * the merge itself fired no entry event on them. The values are the writers' own, relayed.
   */
  void relayKnown() {
    for (Assignment a : List.copyOf(tracker.known().values())) {
      io.relay(a, codec.seal(a));
    }
  }

  OwnershipTracker tracker() {
    return tracker;
  }

  // ---- evaluation ---------------------------------------------------------------------------

  /** Recomputes view, quorum and writer; the writer publishes what changed. */
  void evaluate() {
    if (closed) {
      return;
    }
    view = io.members();
    // Read, not pushed: a suspicion that was cleared, or a peer the beacons dropped and re-added
    // (a healed split), must never linger here after the detector let it go.
    suspects = Set.copyOf(io.suspects());
    List<ViewMember> peers = new ArrayList<>();
    int unverified = 0;
    for (ViewMember m : view) {
      if (!m.self() && m.verified()) {
        peers.add(m);
      }
      unverified += m.verified() ? 0 : 1;
    }
    if (!peers.equals(beaconPeers)) {
      beaconPeers = peers;
      io.setBeaconPeers(peers);
    }
    boolean wrongKey = view.size() > 1 && peers.isEmpty();
    if (wrongKey != selfUnverified) {
      selfUnverified = wrongKey;
      if (wrongKey) {
        log.error("op=self-unverified node={} members={} problem=\"cannot verify a single peer:"
            + " this node's cluster secret differs from the others'; owning nothing\"", self,
            view.size());
      } else {
        log.info("op=self-verified node={}", self);
      }
    }
    List<Node> nodes = nodes();
    Set<String> leaving = new HashSet<>();
    for (ViewMember m : view) {
      NodeState s = stateOf(m);
      if (s != null && s.leaving()) {
        leaving.add(m.name());
      }
    }
    long now = System.currentTimeMillis();
    ElectionInput input = new ElectionInput(nodes, settling(now) ? ownedOnly() : pools,
        current(), leaving, settings.policy(), now);
    quorum = Election.hasQuorum(input);
    tracker.setMayOwn(mayAnswer(), quorum ? Reason.MEMBER_LOST : Reason.QUORUM_LOST);
    writer = null;
    for (Node n : nodes) {
      if (n.verified() && !n.suspected()) {
        writer = n.name();
        break;
      }
    }
    long noticed = causeMillis == Long.MAX_VALUE ? now : causeMillis;
    causeMillis = Long.MAX_VALUE;
    if (self.equals(writer) && !fenced && !suspended && quorum) {
      write(input, now, noticed);
    }
    membersGauge.set((int) nodes.stream().filter(Node::verified).count());
    quorumGauge.set(quorum ? 1 : 0);
    unverifiedGauge.set(unverified);
  }

  private void write(ElectionInput input, long now, long noticed) {
    WritePlan plan = WritePlan.of(input, tracker.known(), tracker::floor, now, noticed);
    for (Assignment a : plan.removals()) {
      String key = Vips.format(a.vip());
      log.info("op=unassign vip={} pool={} from={} epoch={} reason={}", key, a.pool(), a.node(),
          a.epoch(), a.reason().tag());
      tracker.remove(a);
      repair.remove(key);
      io.publishRemoval(a, codec.sealRemoval(a));
    }
    for (Assignment a : plan.puts()) {
      String key = Vips.format(a.vip());
      log.info("op=assign vip={} pool={} to={} epoch={} reason={} noticed_ms_ago={}", key,
          a.pool(), a.node(), a.epoch(), a.reason().tag(), now - a.noticedAtMillis());
      tracker.offer(a);
      repair.remove(key);
      io.publish(a, codec.seal(a));
    }
    for (String key : repair) {
      Assignment known = tracker.known().get(key);
      if (known != null) {
        io.publish(known, codec.seal(known));
      }
    }
    repair.clear();
  }

  /** This member has joined (Hazelcast started): the settle window starts now. */
  void joined(long millis) {
    joinedMillis = millis;
  }

  /**
   * Cold start: while fewer members than configured peers have joined (and published their
   * status) and {@link #SETTLE_MILLIS} have not passed since this node joined, VIPs nobody owns yet are not placed, so that hosts
   * started together share the VIPs instead of the first one taking all of them (ownership is
   * sticky afterwards). VIPs that already have an owner, or lose it, are never held back.
   */
  private boolean settling(long now) {
    return now - joinedMillis < SETTLE_MILLIS
        && view.stream().filter(m -> m.verified() && stateOf(m) != null).count()
            < expectedMembers;
  }

  /** The pools restricted to the VIPs that already have an owner (see {@link #settling}). */
  private List<Pool> ownedOnly() {
    Set<InetAddress> owned = current().keySet();
    List<Pool> restricted = new ArrayList<>();
    for (Pool p : pools) {
      List<InetAddress> keep = p.addresses().stream().filter(owned::contains).toList();
      restricted.add(new Pool(p.name(), keep, p.nodeSelector(), p.preferredNodes(), p.preempt(),
          p.preemptDelay()));
    }
    return restricted;
  }

  /** This node plus the distinct configured peer addresses other than its own. */
  private static int expectedMembers(ClusterSettings s) {
    Set<String> others = new HashSet<>();
    for (java.net.InetSocketAddress peer : s.peers()) {
      if (!(peer.getAddress().equals(s.bindAddress()) && peer.getPort() == s.port())) {
        others.add(peer.getAddress().getHostAddress() + ":" + peer.getPort());
      }
    }
    return 1 + others.size();
  }

  private Map<InetAddress, Ownership> current() {
    Map<InetAddress, Ownership> current = new LinkedHashMap<>();
    for (Assignment a : tracker.known().values()) {
      current.put(a.vip(), new Ownership(a.node(), a.epoch()));
    }
    return current;
  }

  /** The election's nodes: verified view members with unique names, and their status. */
  private List<Node> nodes() {
    List<Node> nodes = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (ViewMember m : view) {
      if (!names.add(m.name())) {
        continue;
      }
      boolean verified = m.verified() && !(m.self() && selfUnverified);
      NodeState s = stateOf(m);
      if (s == null) {
        // No status yet (just joined): not eligible until it published one.
        nodes.add(new Node(m.name(), m.labels(), verified, suspects.contains(m.name()), true,
            Set.of(), Set.of(), 0));
      } else {
        nodes.add(new Node(m.name(), m.labels(), verified, suspects.contains(m.name()),
            s.drained(), s.unhealthyPools(), s.linkDownPools(),
            Math.max(0, s.eligibleSinceMillis())));
      }
    }
    return nodes;
  }

  private NodeState stateOf(ViewMember m) {
    if (m.self()) {
      return selfState;
    }
    NodeState s = states.get(m.name());
    return s != null && s.startTimeMillis() == m.startTimeMillis() ? s : null;
  }

  // ---- status -------------------------------------------------------------------------------

  ClusterStatus status() {
    List<MemberStatus> members = new ArrayList<>();
    for (ViewMember m : view) {
      NodeState s = stateOf(m);
      boolean verified = m.verified() && !(m.self() && selfUnverified);
      members.add(new MemberStatus(m.name(), m.address(), verified, suspects.contains(m.name()),
          s != null && s.drained(), s != null && s.leaving(),
          s == null ? Set.of() : s.unhealthyPools(), s == null ? Set.of() : s.linkDownPools(),
          m.self()));
    }
    return new ClusterStatus(self, writer, quorum, fenced, members, tracker.table());
  }
}
