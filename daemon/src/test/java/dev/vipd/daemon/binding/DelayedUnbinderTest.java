package dev.vipd.daemon.binding;

import static dev.vipd.daemon.binding.RouteLocalBindingTest.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DelayedUnbinderTest {

  private static final InetAddress VIP = address("198.51.100.100");

  private final ScheduledThreadPoolExecutor scheduler = newScheduler();
  private final FakeBinding binding = new FakeBinding();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  @Test
  void bindsAtOnceAndUnbindsAfterTheGracePeriod() {
    DelayedUnbinder unbinder = new DelayedUnbinder(binding, scheduler, Duration.ofMillis(300));
    unbinder.bind(VIP);
    assertThat(binding.bound()).containsExactly(VIP);

    long released = System.nanoTime();
    unbinder.release(VIP);
    assertThat(binding.bound()).containsExactly(VIP);
    assertThat(unbinder.pending()).containsExactly(VIP);

    await().atMost(Duration.ofSeconds(5)).until(() -> binding.bound().isEmpty());
    assertThat(Duration.ofNanos(System.nanoTime() - released))
        .isGreaterThanOrEqualTo(Duration.ofMillis(300));
    assertThat(unbinder.pending()).isEmpty();
    assertThat(binding.calls).containsExactly("bind", "unbind");
  }

  @Test
  void bindingAgainCancelsThePendingUnbind() {
    DelayedUnbinder unbinder = new DelayedUnbinder(binding, scheduler, Duration.ofHours(1));
    unbinder.bind(VIP);
    unbinder.release(VIP);

    unbinder.bind(VIP);

    assertThat(unbinder.pending()).isEmpty();
    assertThat(binding.bound()).containsExactly(VIP);
    // The cancelled task is gone from the scheduler too: nothing is left to run.
    assertThat(scheduler.getQueue()).isEmpty();
  }

  @Test
  void cancelledUnbindNeverRunsEvenWithAShortGrace() throws Exception {
    DelayedUnbinder unbinder = new DelayedUnbinder(binding, scheduler, Duration.ofMillis(50));
    unbinder.bind(VIP);
    unbinder.release(VIP);
    unbinder.bind(VIP);

    // Let the original deadline pass well; the VIP must still be bound.
    scheduler.submit(() -> {}).get();
    Thread.sleep(200);
    scheduler.submit(() -> {}).get();

    assertThat(binding.bound()).containsExactly(VIP);
    assertThat(binding.calls).containsExactly("bind", "bind");
  }

  @Test
  void flushRunsPendingUnbindsNow() {
    DelayedUnbinder unbinder = new DelayedUnbinder(binding, scheduler, Duration.ofHours(1));
    unbinder.bind(VIP);
    unbinder.release(VIP);

    unbinder.flush();

    assertThat(binding.bound()).isEmpty();
    assertThat(unbinder.pending()).isEmpty();
  }

  @Test
  void aFailingUnbindIsLoggedAndForgotten() {
    binding.failUnbind = true;
    DelayedUnbinder unbinder = new DelayedUnbinder(binding, scheduler, Duration.ofMillis(10));
    unbinder.bind(VIP);
    unbinder.release(VIP);

    await().atMost(Duration.ofSeconds(5)).until(() -> binding.calls.contains("unbind"));
    await().atMost(Duration.ofSeconds(5)).until(() -> unbinder.pending().isEmpty());
  }

  @Test
  void unbindsDueTogetherRunAsOneBatch() {
    ScheduledThreadPoolExecutor paused = newScheduler();
    try {
      DelayedUnbinder unbinder = new DelayedUnbinder(binding, paused, Duration.ofMillis(20));
      List<InetAddress> vips = new ArrayList<>();
      for (int i = 1; i <= 50; i++) {
        vips.add(address("198.51.100." + i));
      }
      unbinder.bindAll(vips);
      // Hold the scheduler's one thread until every release is scheduled: on a loaded machine
      // the first 20 ms timer fired before the loop finished (CI saw batches of 1 and 49).
      CountDownLatch hold = new CountDownLatch(1);
      paused.execute(() -> {
        try {
          hold.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      vips.forEach(unbinder::release);
      hold.countDown();

      await().atMost(Duration.ofSeconds(5)).until(() -> binding.bound().isEmpty());
      assertThat(binding.unbindBatches).as("one unbindAll for the released batch")
          .containsExactly(50);
      assertThat(unbinder.pending()).isEmpty();
    } finally {
      paused.shutdownNow();
    }
  }

  @Test
  void unbindsFarApartRunSeparately() throws Exception {
    DelayedUnbinder unbinder = new DelayedUnbinder(binding, scheduler, Duration.ofMillis(10));
    InetAddress other = address("198.51.100.101");
    unbinder.bindAll(List.of(VIP, other));
    unbinder.release(VIP);
    await().atMost(Duration.ofSeconds(5)).until(() -> !binding.bound().contains(VIP));
    assertThat(binding.bound()).as("not released: never unbound").containsExactly(other);
    unbinder.release(other);
    await().atMost(Duration.ofSeconds(5)).until(() -> binding.bound().isEmpty());
    assertThat(binding.unbindBatches).containsExactly(1, 1);
  }

  @Test
  void refusesNegativeGrace() {
    assertThatThrownBy(() -> new DelayedUnbinder(binding, scheduler, Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid unbind grace: PT-0.001S (expected: >= 0)");
  }

  /** Removes cancelled tasks from its queue, so the queue shows whether an unbind is left. */
  private static ScheduledThreadPoolExecutor newScheduler() {
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
    executor.setRemoveOnCancelPolicy(true);
    return executor;
  }

  /** Records calls; its bound set is the truth the assertions read. */
  private static final class FakeBinding implements LocalBinding {
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    final Set<InetAddress> bound = Collections.synchronizedSet(new HashSet<>());
    final List<Integer> unbindBatches = Collections.synchronizedList(new ArrayList<>());
    volatile boolean failUnbind;

    @Override
    public java.util.Map<InetAddress, String> unbindAll(java.util.Collection<InetAddress> vips) {
      unbindBatches.add(vips.size());
      return LocalBinding.super.unbindAll(vips);
    }

    @Override
    public void bind(InetAddress vip) {
      calls.add("bind");
      bound.add(vip);
    }

    @Override
    public void unbind(InetAddress vip) {
      calls.add("unbind");
      if (failUnbind) {
        throw new CommandException("removing local route: exit 2", List.of("ip"), 2, "", null);
      }
      bound.remove(vip);
    }

    @Override
    public void cleanup() {
      bound.clear();
    }

    @Override
    public Set<InetAddress> bound() {
      return Set.copyOf(bound);
    }
  }
}
