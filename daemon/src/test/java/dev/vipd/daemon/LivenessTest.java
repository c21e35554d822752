package dev.vipd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LivenessTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private long now = Long.MAX_VALUE - 3 * SECOND; // wraps, as nanoTime may
  private final Liveness liveness = new Liveness(() -> now, Duration.ofSeconds(10));

  @Test
  void aPartThatStopsBeatingIsNamedOnceTheBoundHasPassed() {
    Runnable cluster = liveness.heart("cluster");
    Runnable http = liveness.heart("http");

    now += 10 * SECOND; // exactly the bound: not yet stalled
    assertThat(liveness.alive()).isTrue();
    assertThat(liveness.describe()).isEqualTo("ok");

    http.run();
    now += 1;
    assertThat(liveness.stalled()).containsExactly("cluster");
    assertThat(liveness.alive()).isFalse();
    assertThat(liveness.describe()).isEqualTo("stalled: cluster (no heartbeat for 10000 ms)");

    cluster.run(); // the thread runs again
    assertThat(liveness.alive()).isTrue();
  }

  @Test
  void everyStalledPartIsNamedAndAForgottenOneNoLonger() {
    liveness.heart("dataplane-loop-0");
    liveness.heart("announcer");
    now += 11 * SECOND;

    assertThat(liveness.stalled()).containsExactly("announcer", "dataplane-loop-0");
    liveness.forget("announcer");
    assertThat(liveness.stalled()).containsExactly("dataplane-loop-0");
  }

  @Test
  void askingForTheSameHeartAgainKeepsItsLastBeat() {
    liveness.heart("dataplane-worker");
    now += 11 * SECOND;

    Runnable again = liveness.heart("dataplane-worker"); // a new request does not reset the clock
    assertThat(liveness.stalled()).containsExactly("dataplane-worker");
    again.run();
    assertThat(liveness.alive()).isTrue();
  }
}
