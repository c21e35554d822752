package dev.vipd.cluster.beacon;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides from beacon arrival times which peers are suspect. Pure logic: time comes in as
 * monotonic nanoseconds, nothing here sleeps or reads a clock, so tests run on virtual time.
 *
 * <p>The peers are the members Hazelcast reports ({@link #setPeers}); Hazelcast stays the
 * authority on membership, this class only says who has gone quiet faster than Hazelcast can.
 * A peer is suspected when it has been silent for longer than the profile's suspicion timeout,
 * and cleared after {@code clearAfter} consecutive beacons, a beacon counting as consecutive
 * when it follows the previous one within 1.5 intervals. A peer that has never beaconed is not
 * suspected (it may not have started its beacons yet, or runs without them); it is reported
 * once as <em>silent</em> after one suspicion timeout, so that a blocked UDP port or a wrong
 * key shows up in logs.
 *
 * <p>Listener calls happen only on a real change, synchronously, on the calling thread.
 * Not thread-safe: confine an instance to one thread ({@link BeaconService} does). The {@code
 * vipd.peer.suspect{node}} gauge may be read from any thread.
 */
public final class FailureDetector {
  /** Metric: 1 while a peer is suspect, else 0. */
  public static final String SUSPECT_GAUGE = "vipd.peer.suspect";

  /** Receives suspicion changes. */
  public interface Listener {
    /** {@code name} has been silent for longer than the suspicion timeout. */
    void suspected(String name);

    /** {@code name}, suspected before, beaconed steadily again. */
    void cleared(String name);

    /** {@code name} is a peer but has not sent a single valid beacon within the timeout. */
    default void silent(String name) {}
  }

  private final FailureDetectionProfile profile;
  private final MeterRegistry registry;
  private final Listener listener;
  private final long timeoutNanos;
  private final long consecutiveGapNanos;
  private final Map<String, Peer> peers = new LinkedHashMap<>();

  public FailureDetector(
      FailureDetectionProfile profile, MeterRegistry registry, Listener listener) {
    this.profile = Objects.requireNonNull(profile, "profile");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.timeoutNanos = profile.suspicionTimeoutNanos();
    this.consecutiveGapNanos = profile.intervalNanos() * 3 / 2;
  }

  public FailureDetectionProfile profile() {
    return profile;
  }

  /**
   * Replaces the peer set. New peers start as never heard from at {@code nowNanos}; removed
   * peers are forgotten without a {@code cleared} call (they left the cluster, which the
   * membership listener reports) and their gauge is removed.
   */
  public void setPeers(Collection<String> names, long nowNanos) {
    Set<String> wanted = Set.copyOf(names);
    peers.entrySet().removeIf(entry -> {
      if (wanted.contains(entry.getKey())) {
        return false;
      }
      registry.remove(entry.getValue().gauge);
      return true;
    });
    for (String name : names) {
      peers.computeIfAbsent(name, n -> new Peer(n, nowNanos));
    }
  }

  /**
   * Records a verified beacon from {@code name} at {@code nowNanos}.
   *
   * @return false if {@code name} is not a peer (the beacon is ignored)
   */
  public boolean onBeacon(String name, long nowNanos) {
    Peer peer = peers.get(name);
    if (peer == null) {
      return false;
    }
    if (peer.suspect) {
      boolean consecutive = peer.heard && nowNanos - peer.lastSeenNanos <= consecutiveGapNanos;
      peer.streak = consecutive ? peer.streak + 1 : 1;
      if (peer.streak >= profile.clearAfter()) {
        peer.suspect = false;
        peer.streak = 0;
        listener.cleared(name);
      }
    }
    peer.heard = true;
    peer.lastSeenNanos = nowNanos;
    return true;
  }

  /**
   * Suspects every peer heard from before but silent for longer than the timeout at {@code
   * nowNanos}, reports newly silent peers, and returns the current suspects.
   */
  public Set<String> evaluate(long nowNanos) {
    for (Peer peer : peers.values()) {
      if (!peer.heard) {
        if (!peer.silentReported && nowNanos - peer.knownSinceNanos > timeoutNanos) {
          peer.silentReported = true;
          listener.silent(peer.name);
        }
        continue;
      }
      if (!peer.suspect && nowNanos - peer.lastSeenNanos > timeoutNanos) {
        peer.suspect = true;
        peer.streak = 0;
        listener.suspected(peer.name);
      }
    }
    return suspects();
  }

  /** The peers currently suspected, sorted by name. */
  public Set<String> suspects() {
    Set<String> names = new TreeSet<>();
    peers.values().forEach(peer -> {
      if (peer.suspect) {
        names.add(peer.name);
      }
    });
    return Collections.unmodifiableSet(names);
  }

  /** The peers never heard from, sorted by name (whether or not reported yet). */
  public Set<String> silent() {
    Set<String> names = new TreeSet<>();
    peers.values().forEach(peer -> {
      if (!peer.heard) {
        names.add(peer.name);
      }
    });
    return Collections.unmodifiableSet(names);
  }

  private final class Peer {
    final String name;
    final long knownSinceNanos;
    final Gauge gauge;
    boolean heard;
    long lastSeenNanos;
    volatile boolean suspect;
    int streak;
    boolean silentReported;

    Peer(String name, long knownSinceNanos) {
      this.name = name;
      this.knownSinceNanos = knownSinceNanos;
      this.gauge = Gauge.builder(SUSPECT_GAUGE, this, p -> p.suspect ? 1 : 0)
          .description("1 while the peer's liveness beacons have stopped, else 0")
          .tag("node", name)
          .strongReference(true)
          .register(registry);
    }
  }
}
