package dev.vipd.daemon.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SerialQueuesTest {
  private final ExecutorService executor = Executors.newFixedThreadPool(4);
  private final List<Runnable> dropped = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void stop() {
    executor.shutdownNow();
  }

  @Test
  void tasksOfOneKeyRunInOrderAndNeverTogether() throws Exception {
    SerialQueues<String> queues = new SerialQueues<>(executor, 10_000, dropped::add);
    Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
    Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
    AtomicInteger overlaps = new AtomicInteger();
    List<String> keys = List.of("198.51.100.1", "198.51.100.2", "2001:db8::1");
    for (int i = 0; i < 200; i++) {
      for (String key : keys) {
        int n = i;
        queues.submit(
            key,
            () -> {
              if (running.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet() > 1) {
                overlaps.incrementAndGet();
              }
              if (ThreadLocalRandom.current().nextInt(20) == 0) {
                Thread.yield();
              }
              seen.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>()))
                  .add(n);
              running.get(key).decrementAndGet();
            });
      }
    }
    assertThat(queues.awaitIdle(10_000)).isTrue();
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      expected.add(i);
    }
    for (String key : keys) {
      assertThat(seen.get(key)).as(key).isEqualTo(expected);
    }
    assertThat(overlaps).hasValue(0);
    assertThat(dropped).isEmpty();
  }

  @Test
  void aBlockedKeyDoesNotHoldOthers() throws Exception {
    SerialQueues<String> queues = new SerialQueues<>(executor, 100, dropped::add);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch otherRan = new CountDownLatch(1);
    queues.submit("a", () -> awaitQuietly(release));
    queues.submit("b", otherRan::countDown);
    assertThat(otherRan.await(10, TimeUnit.SECONDS)).isTrue();
    release.countDown();
    assertThat(queues.awaitIdle(10_000)).isTrue();
  }

  @Test
  void dropsBeyondTheBoundAndWhenTheExecutorRefuses() throws Exception {
    SerialQueues<String> queues = new SerialQueues<>(executor, 2, dropped::add);
    CountDownLatch release = new CountDownLatch(1);
    Runnable first = () -> awaitQuietly(release);
    Runnable third = () -> {};
    queues.submit("a", first);
    queues.submit("a", () -> {});
    queues.submit("a", third);
    assertThat(dropped).containsExactly(third);
    assertThat(queues.awaitIdle(50)).isFalse();
    release.countDown();
    assertThat(queues.awaitIdle(10_000)).isTrue();

    executor.shutdown();
    Runnable refused = () -> {};
    queues.submit("b", refused);
    assertThat(dropped).containsExactly(third, refused);
    assertThat(queues.awaitIdle(0)).isTrue();
  }

  @Test
  void aThrowingTaskDoesNotStopItsKey() throws Exception {
    SerialQueues<String> queues = new SerialQueues<>(executor, 100, dropped::add);
    CountDownLatch after = new CountDownLatch(1);
    queues.submit(
        "a",
        () -> {
          throw new IllegalStateException("expected by the test");
        });
    queues.submit("a", after::countDown);
    assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
