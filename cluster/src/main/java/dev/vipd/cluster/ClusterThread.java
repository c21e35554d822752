package dev.vipd.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread ({@code vipd-cluster-NAME}) that owns the cluster state. Other threads {@link
 * #post} work to it or {@link #call} it and wait; every posted or scheduled task runs through a
 * guard (the fencing's idle-gap check) and is logged, not propagated, when it throws. After
 * {@link #close} nothing runs and posts are dropped.
 *
 * <p>{@link #await} waits for a condition of the cluster state without polling: the condition
 * is checked on this thread after every task it runs.
 */
final class ClusterThread {
  private static final Logger log = LoggerFactory.getLogger(ClusterThread.class);

  /** How long {@link #call} waits for the thread. */
  private static final long CALL_TIMEOUT_SECONDS = 10;

  private final String node;
  private final Consumer<Runnable> guard;
  private final Executor executor;
  /** Confined to the thread. */
  private final List<Waiter> waiters = new ArrayList<>();

  ClusterThread(String node, Consumer<Runnable> guard) {
    this.node = node;
    this.guard = guard;
    this.executor = new Executor("vipd-cluster-" + node);
  }

  /** The raw scheduler of this thread (unguarded), for components confined to it. */
  ScheduledExecutorService scheduler() {
    return executor;
  }

  /** Runs {@code task} on the thread, guarded; dropped after close. */
  void post(Runnable task) {
    try {
      executor.execute(() -> guarded(task));
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  /** Runs {@code task} after {@code delayNanos}, guarded; dropped after close. */
  void schedule(Runnable task, long delayNanos) {
    try {
      executor.schedule(() -> guarded(task), delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  /** Runs {@code task} every {@code periodNanos} from now, skipping nothing after a pause. */
  void atFixedRate(Runnable task, long periodNanos) {
    executor.scheduleAtFixedRate(() -> guarded(task), 0, periodNanos, TimeUnit.NANOSECONDS);
  }

  /** Runs {@code task} {@code delayNanos} after each run ended. */
  void withFixedDelay(Runnable task, long delayNanos) {
    executor.scheduleWithFixedDelay(() -> guarded(task), delayNanos, delayNanos,
        TimeUnit.NANOSECONDS);
  }

  /** Runs {@code task} on the thread (unguarded) and returns its result. */
  <T> T call(Callable<T> task) {
    try {
      return executor.submit(task).get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for the cluster thread", e);
    } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
      throw new IllegalStateException("cluster thread of " + node + ": " + e, e);
    }
  }

  /**
   * Waits until {@code condition} (evaluated on this thread) holds.
   *
   * @return true once it held; false when {@code timeout} passed first or the thread closed
   */
  boolean await(BooleanSupplier condition, Duration timeout) {
    Waiter waiter = new Waiter(condition, new CompletableFuture<>());
    try {
      executor.execute(() -> waiters.add(waiter)); // checked right after this task
      return waiter.done.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException | ExecutionException | TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      waiter.done.complete(false);
      try {
        executor.execute(() -> waiters.remove(waiter)); // housekeeping: not a guarded task
      } catch (RejectedExecutionException e) {
        // closed
      }
    }
  }

  /** Stops the thread; queued and scheduled tasks are dropped. */
  void close() {
    executor.shutdownNow();
  }

  /** Runs {@code task} on the thread and waits up to {@code timeout}; false when it did not. */
  boolean runAndWait(Runnable task, Duration timeout) {
    try {
      executor.submit(task).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
      log.warn("op=cluster-task node={} error={}", node, e.toString());
      return false;
    }
  }

  private void guarded(Runnable task) {
    guard.accept(() -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.warn("op=cluster-task node={} error={}", node, e.toString(), e);
      }
    });
  }

  private void checkWaiters() {
    if (waiters.isEmpty()) {
      return;
    }
    waiters.removeIf(w -> {
      if (w.done.isDone()) {
        return true;
      }
      boolean met;
      try {
        met = w.condition.getAsBoolean();
      } catch (RuntimeException e) {
        w.done.completeExceptionally(e);
        return true;
      }
      if (met) {
        w.done.complete(true);
      }
      return met;
    });
  }

  private record Waiter(BooleanSupplier condition, CompletableFuture<Boolean> done) {}

  /** One daemon thread; every task it runs is followed by the waiter check. */
  private final class Executor extends ScheduledThreadPoolExecutor {
    Executor(String name) {
      super(1, r -> {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
      });
      setRemoveOnCancelPolicy(true);
    }

    @Override
    protected void afterExecute(Runnable r, Throwable t) {
      super.afterExecute(r, t);
      checkWaiters();
    }
  }
}
