package dev.vipd.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The cluster thread: guarded posts, calls, and waiting on a condition without polling. */
class ClusterThreadTest {
  @Test
  void awaitReturnsOnceATaskMakesTheConditionTrue() {
    AtomicInteger guarded = new AtomicInteger();
    ClusterThread thread = new ClusterThread("t", task -> {
      guarded.incrementAndGet();
      task.run();
    });
    try {
      int[] state = {0};
      thread.schedule(() -> state[0] = 1, Duration.ofMillis(100).toNanos());
      long start = System.nanoTime();
      assertThat(thread.await(() -> state[0] == 1, Duration.ofSeconds(5))).isTrue();
      assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(4).toNanos());
      assertThat(guarded.get()).isEqualTo(1);
      assertThat(thread.call(() -> state[0])).isEqualTo(1);
    } finally {
      thread.close();
    }
  }

  @Test
  void awaitGivesUpAfterTheTimeoutAndAfterClose() {
    ClusterThread thread = new ClusterThread("t", Runnable::run);
    assertThat(thread.await(() -> false, Duration.ofMillis(50))).isFalse();
    thread.close();
    assertThat(thread.await(() -> true, Duration.ofMillis(50))).isFalse();
    assertThatThrownBy(() -> thread.call(() -> 1)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cluster thread of t");
  }

  @Test
  void aThrowingPostedTaskDoesNotStopTheThread() {
    ClusterThread thread = new ClusterThread("t", Runnable::run);
    try {
      thread.post(() -> {
        throw new IllegalStateException("boom");
      });
      assertThat(thread.call(() -> 42)).isEqualTo(42);
    } finally {
      thread.close();
    }
  }
}
