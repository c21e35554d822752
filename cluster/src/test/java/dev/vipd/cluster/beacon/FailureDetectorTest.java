package dev.vipd.cluster.beacon;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FailureDetectorTest {
  static final long MS = 1_000_000L;

  final List<String> events = new ArrayList<>();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final FailureDetector.Listener recorder = new FailureDetector.Listener() {
    @Override
    public void suspected(String name) {
      events.add("suspected " + name);
    }

    @Override
    public void cleared(String name) {
      events.add("cleared " + name);
    }

    @Override
    public void silent(String name) {
      events.add("silent " + name);
    }
  };

  private FailureDetector detector(FailureDetectionProfile profile) {
    return new FailureDetector(profile, registry, recorder);
  }

  private double gauge(String node) {
    return registry.get(FailureDetector.SUSPECT_GAUGE).tag("node", node).gauge().value();
  }

  @Test
  void suspectsAfterTimeoutNotBefore() {
    FailureDetector d = detector(FailureDetectionProfile.DEFAULT); // 560 ms
    d.setPeers(List.of("h2"), 0);
    d.onBeacon("h2", 1_000 * MS);

    assertThat(d.evaluate(1_560 * MS)).isEmpty();
    assertThat(gauge("h2")).isZero();
    assertThat(d.evaluate(1_561 * MS)).containsExactly("h2");
    assertThat(d.evaluate(2_000 * MS)).containsExactly("h2");
    assertThat(events).containsExactly("suspected h2");
    assertThat(gauge("h2")).isEqualTo(1);
  }

  @Test
  void clearsOnlyAfterConsecutiveBeacons() {
    FailureDetector d = detector(FailureDetectionProfile.DEFAULT); // 40 ms, clear after 3
    d.setPeers(List.of("h2"), 0);
    d.onBeacon("h2", 0);
    d.evaluate(1_000 * MS);

    d.onBeacon("h2", 1_000 * MS);
    d.onBeacon("h2", 1_040 * MS);
    d.onBeacon("h2", 1_160 * MS); // 120 ms gap: two missing, streak restarts
    d.onBeacon("h2", 1_200 * MS);
    assertThat(d.evaluate(1_200 * MS)).containsExactly("h2");
    assertThat(events).containsExactly("suspected h2");

    d.onBeacon("h2", 1_245 * MS); // third in a row, jitter within 1.5 intervals
    assertThat(d.evaluate(1_250 * MS)).isEmpty();
    assertThat(events).containsExactly("suspected h2", "cleared h2");
    assertThat(gauge("h2")).isZero();
  }

  @Test
  void neverHeardPeerIsSilentNotSuspect() {
    FailureDetector d = detector(FailureDetectionProfile.DEFAULT);
    d.setPeers(List.of("h2", "h3"), 0);
    d.onBeacon("h3", 10 * MS);

    assertThat(d.evaluate(500 * MS)).isEmpty();
    assertThat(events).isEmpty();
    assertThat(d.evaluate(10_000 * MS)).containsExactly("h3");
    d.evaluate(20_000 * MS);
    assertThat(events).containsExactlyInAnyOrder("silent h2", "suspected h3");
    assertThat(d.silent()).containsExactly("h2");
  }

  @Test
  void unknownAndRemovedPeersAreIgnored() {
    FailureDetector d = detector(FailureDetectionProfile.DEFAULT);
    d.setPeers(List.of("h2"), 0);
    d.onBeacon("h2", 0);

    assertThat(d.onBeacon("h9", 0)).isFalse();
    d.setPeers(Set.of(), 0);
    assertThat(d.evaluate(10_000 * MS)).isEmpty();
    assertThat(events).isEmpty();
    assertThat(registry.find(FailureDetector.SUSPECT_GAUGE).gauges()).isEmpty();
  }

  /** Counts suspicions of a live peer whose beacons are lost with probability p. */
  private int falseSuspicions(FailureDetectionProfile profile, double p, int intervals, long seed) {
    FailureDetector d = detector(profile);
    Random random = new Random(seed);
    long interval = profile.intervalNanos();
    long evaluationPhase = interval / 3; // our ticks are not aligned with the peer's
    d.setPeers(List.of("h2"), 0);
    d.onBeacon("h2", 0);
    for (long slot = 1; slot <= intervals; slot++) {
      if (random.nextDouble() >= p) {
        long jitter = (long) (random.nextDouble() * interval / 5);
        d.onBeacon("h2", slot * interval + jitter);
      }
      d.evaluate(slot * interval + evaluationPhase);
    }
    return (int) events.stream().filter(e -> e.startsWith("suspected")).count();
  }

  @Test
  void defaultProfileDoesNotFlapUnderTwentyPercentLoss() {
    FailureDetectionProfile profile = FailureDetectionProfile.DEFAULT;
    int intervals = 100_000;
    // Expected = slots x (1-p) x p^(misses-1) = 100,000 x 0.8 x 0.2^13 = 6.6e-5.
    double expected = intervals * 0.8 * Math.pow(0.2, profile.misses() - 1);

    int suspicions = falseSuspicions(profile, 0.2, intervals, 42);

    assertThat(expected).isLessThan(1e-3);
    assertThat(suspicions).isLessThanOrEqualTo((int) Math.floor(10 * expected));
  }

  @Test
  void fastProfileDoesNotFlapUnderTwentyPercentLoss() {
    FailureDetectionProfile profile = FailureDetectionProfile.FAST;
    int intervals = 100_000;
    double expected = intervals * 0.8 * Math.pow(0.2, profile.misses() - 1);

    int suspicions = falseSuspicions(profile, 0.2, intervals, 7);

    assertThat(suspicions).isLessThanOrEqualTo((int) Math.floor(10 * expected));
  }

  @Test
  void simulationMatchesTheArithmeticForAWeakProfile() {
    // Few enough misses that false suspicions are frequent: checks that the simulation can see
    // them and that the count follows slots x (1-p) x p^k with k = misses here (our evaluation
    // phase is later than any jitter, so the boundary case of the class comment never occurs).
    FailureDetectionProfile weak =
        new FailureDetectionProfile("weak", Duration.ofMillis(40), 4, 3);
    int intervals = 100_000;
    double expected = intervals * 0.8 * Math.pow(0.2, 4); // 128

    int suspicions = falseSuspicions(weak, 0.2, intervals, 42);

    assertThat(suspicions).isBetween((int) (0.7 * expected), (int) (1.3 * expected));
    assertThat(events.stream().filter(e -> e.startsWith("cleared")).count())
        .isBetween(suspicions - 1L, (long) suspicions);
  }
}
