package dev.vipd.cluster;

import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.cluster.beacon.FailureDetectionProfile;
import dev.vipd.cluster.election.Policy;
import dev.vipd.cluster.election.Pool;
import dev.vipd.cluster.member.NodeState;
import dev.vipd.cluster.member.Tables;
import dev.vipd.cluster.member.ViewMember;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One {@link Coordinator} without Hazelcast: an in-memory {@link Tables}, a settable membership,
 * a fake wall clock and a fake monotonic ticker that tests advance by hand.
 */
final class CoordinatorLab implements AutoCloseable {
  static final byte[] KEY = filled(7);
  static final byte[] OTHER_KEY = filled(9);
  static final long START_MILLIS = 1_000_000;

  final String self;
  final ClusterSecret secret = ClusterSecret.of(KEY);
  final FakeTables tables = new FakeTables();
  final FakeMembership membership = new FakeMembership();
  final FakeClock clock = new FakeClock(START_MILLIS);
  final long[] ticker = {5_000_000_000L};
  final AtomicBoolean fenced = new AtomicBoolean();
  final Recorder recorder;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  final Coordinator core;
  final List<Pool> pools;

  /** {@code configured} are the node names of the configured peers (n1 = 127.0.0.1, ...). */
  CoordinatorLab(String self, List<String> configured, Policy policy, List<Pool> pools) {
    this.self = self;
    this.pools = pools;
    this.recorder = new Recorder(self, new java.util.concurrent.CopyOnWriteArrayList<>());
    List<InetSocketAddress> peers = new ArrayList<>();
    for (String name : configured) {
      peers.add(new InetSocketAddress(host(name), 5701));
    }
    ClusterSettings settings = new ClusterSettings("test", self, Map.of(), host(self), 5701,
        peers, 5702, FailureDetectionProfile.DEFAULT, policy, secret, Duration.ZERO);
    this.core = new Coordinator(settings, START_MILLIS, pools, recorder, registry, scheduler,
        tables, membership, clock, () -> ticker[0], fenced::get);
    membership.add(member(self, true));
  }

  static InetAddress host(String name) {
    try {
      return InetAddress.getByAddress(
          new byte[] {127, 0, 0, (byte) Integer.parseInt(name.substring(1))});
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** A view member named {@code name}; this node is the one named {@link #self}. */
  ViewMember member(String name, boolean verified) {
    return new ViewMember(name, host(name).getHostAddress() + ":5701", Map.of(), START_MILLIS,
        verified ? ViewMember.Verification.VERIFIED : ViewMember.Verification.UNVERIFIABLE,
        name.equals(self));
  }

  /** Adds a verified peer and delivers its published status (it has loaded the same pools). */
  void join(String name) {
    membership.add(member(name, true));
    publish(state(name, 1, pools, ""));
  }

  /** The status {@code name} publishes: healthy, eligible for 0 ms, with {@code loaded}. */
  NodeState state(String name, long sequence, List<Pool> loaded, String standby) {
    return new NodeState(name, START_MILLIS, sequence, Set.of(), Set.of(), false, false, 0,
        NodeStates.digests(loaded), standby, Set.of());
  }

  /** Delivers {@code state} as a signed table value. */
  void publish(NodeState state) {
    core.onNodeState(state.name(), state.seal(secret));
  }

  void advanceMillis(long millis) {
    ticker[0] += TimeUnit.MILLISECONDS.toNanos(millis);
    clock.millis += millis;
  }

  /** The owners the writer published, VIP text to node, in publication order. */
  Map<String, String> published() {
    Map<String, String> owners = new LinkedHashMap<>();
    dev.vipd.cluster.ownership.AssignmentCodec codec =
        new dev.vipd.cluster.ownership.AssignmentCodec(secret);
    tables.owners.forEach((vip, sealed) -> codec.open(sealed)
        .ifPresent(a -> owners.put(vip, a.node()))); // tombstones do not open as assignments
    return owners;
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }

  static byte[] filled(int value) {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) value);
    return key;
  }

  /** The tables in memory; writes are visible at once in {@link #owners} and {@link #states}. */
  static final class FakeTables implements Tables {
    final Map<String, byte[]> owners = new LinkedHashMap<>();
    final Map<String, byte[]> states = new LinkedHashMap<>();
    final List<String> writes = new ArrayList<>();

    @Override
    public void putOwner(String vip, byte[] sealed) {
      owners.put(vip, sealed);
      writes.add("put " + vip);
    }

    @Override
    public void removeOwner(String vip, byte[] sealedRemoval) {
      owners.put(vip, sealedRemoval); // a tombstone, as HazelcastTables does
      writes.add("remove " + vip);
    }

    @Override
    public void relayOwner(byte[] sealed) {
      writes.add("relay");
    }

    @Override
    public void putState(String node, byte[] sealed) {
      states.put(node, sealed);
    }

    @Override
    public Map<String, byte[]> owners() {
      return Map.copyOf(owners);
    }

    @Override
    public byte[] state(String node) {
      return states.get(node);
    }

    @Override
    public Map<String, byte[]> states() {
      return Map.copyOf(states);
    }

    @Override
    public void listen(Listener listener) {
      throw new UnsupportedOperationException("the lab delivers events by calling the core");
    }

    @Override
    public void close() {}
  }

  /** The membership as a list the test edits; suspects likewise. */
  static final class FakeMembership implements Coordinator.Membership {
    final List<ViewMember> members = new ArrayList<>();
    final Set<String> suspects = new HashSet<>();
    List<ViewMember> beaconPeers = List.of();

    void add(ViewMember m) {
      members.add(m);
    }

    void remove(String name) {
      members.removeIf(m -> m.name().equals(name));
    }

    @Override
    public List<ViewMember> members() {
      return List.copyOf(members);
    }

    @Override
    public Set<String> suspects() {
      return Set.copyOf(suspects);
    }

    @Override
    public void setBeaconPeers(List<ViewMember> verifiedPeers) {
      beaconPeers = verifiedPeers;
    }
  }

  /** A wall clock that moves only when told. */
  static final class FakeClock extends Clock {
    long millis;

    FakeClock(long millis) {
      this.millis = millis;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }

    @Override
    public long millis() {
      return millis;
    }
  }
}
