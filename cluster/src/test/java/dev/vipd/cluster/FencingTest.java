package dev.vipd.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Fencing on a fake ticker. */
class FencingTest {
  static final long MS = 1_000_000;
  static final long SUSPICION = 560 * MS;
  static final long INTERVAL = 40 * MS;

  final long[] now = {1_000 * MS};
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final Fencing fencing = new Fencing("n1", SUSPICION, INTERVAL, () -> now[0], registry);
  final List<Long> fences = new ArrayList<>();

  @Test
  void aGapLongerThanTheSuspicionTimeoutFencesBeforeTheTaskRuns() {
    boolean[] fencedInTask = {false};
    now[0] += SUSPICION; // exactly the timeout: not a pause
    assertThat(fencing.awake(() -> fencedInTask[0] = fencing.fenced(), fences::add)).isFalse();
    assertThat(fencedInTask[0]).isFalse();
    now[0] += SUSPICION + 1;
    assertThat(fencing.awake(() -> fencedInTask[0] = fencing.fenced(), fences::add)).isTrue();
    assertThat(fencedInTask[0]).isTrue();
    assertThat(fences).hasSize(1);
    assertThat(registry.get("vipd.cluster.fenced").gauge().value()).isEqualTo(1.0);
  }

  @Test
  void theDeadlineCountsFromTheStartOfTheCurrentRun() {
    now[0] += INTERVAL;
    long start = now[0];
    fencing.awake(() -> now[0] += 5 * MS, fences::add);
    assertThat(fencing.deadline()).isEqualTo(start + SUSPICION);
  }

  @Test
  void theHoldCoversSuspicionTwoIntervalsAndReplication() {
    assertThat(fencing.holdNanos())
        .isEqualTo(SUSPICION + 2 * INTERVAL + Fencing.REPLICATION_SLACK_NANOS);
  }

  @Test
  void unfencingWaitsForStrangersAndMergesAndIgnoresSupersededChecks() {
    long first = fencing.fence(SUSPICION * 2);
    long second = fencing.fence(SUSPICION * 2);
    assertThat(fencing.check(first, Set.of(), false)).isEqualTo(Fencing.Check.STALE);
    assertThat(fencing.check(second, Set.of("n2"), false)).isEqualTo(Fencing.Check.HOLD);
    assertThat(fencing.check(second, Set.of(), true)).isEqualTo(Fencing.Check.HOLD);
    assertThat(fencing.check(second, Set.of(), false)).isEqualTo(Fencing.Check.READY);
    assertThat(fencing.fenced()).isTrue();
    fencing.unfence(0);
    assertThat(fencing.fenced()).isFalse();
    assertThat(registry.get("vipd.cluster.fenced").gauge().value()).isEqualTo(0.0);
  }

  @Test
  void closeMakesPendingChecksStale() {
    long g = fencing.fence(SUSPICION * 2);
    fencing.close();
    assertThat(fencing.check(g, Set.of(), false)).isEqualTo(Fencing.Check.STALE);
  }
}
