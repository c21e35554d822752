package dev.vipd.daemon.hooks;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Runs tasks on a shared executor, one at a time and in submission order per key, while tasks of
 * different keys run in parallel. At most one drain task per busy key sits in the executor, so the
 * executor's queue needs room for the number of keys, not of tasks; the total number of waiting
 * tasks is bounded by {@code maxPending}.
 */
final class SerialQueues<K> {
  private final Executor executor;
  private final int maxPending;
  private final Consumer<Runnable> onDropped;
  private final Map<K, ArrayDeque<Runnable>> queues = new HashMap<>();
  private int pending;

  /**
   * @param onDropped told of each task that is not run: queue full or executor refused
   */
  SerialQueues(Executor executor, int maxPending, Consumer<Runnable> onDropped) {
    this.executor = executor;
    this.maxPending = maxPending;
    this.onDropped = onDropped;
  }

  /** Queues {@code task} behind the earlier tasks of {@code key}; never blocks. */
  void submit(K key, Runnable task) {
    boolean startDrain;
    synchronized (this) {
      if (pending >= maxPending) {
        startDrain = false;
      } else {
        pending++;
        ArrayDeque<Runnable> queue = queues.computeIfAbsent(key, k -> new ArrayDeque<>());
        startDrain = queue.isEmpty();
        queue.add(task);
        task = null;
      }
    }
    if (task != null) {
      onDropped.accept(task);
    } else if (startDrain) {
      try {
        executor.execute(() -> drain(key));
      } catch (RejectedExecutionException e) {
        ArrayDeque<Runnable> lost;
        synchronized (this) {
          lost = queues.remove(key);
          pending -= lost.size();
          notifyAll();
        }
        lost.forEach(onDropped);
      }
    }
  }

  /** Waits until no task is queued or running, at most {@code millis}; returns whether idle. */
  synchronized boolean awaitIdle(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (pending > 0) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    return true;
  }

  private void drain(K key) {
    while (true) {
      Runnable task;
      synchronized (this) {
        task = queues.get(key).peek();
      }
      try {
        task.run();
      } catch (RuntimeException e) {
        // Tasks handle their own errors; this only keeps the key's later tasks running.
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
      }
      synchronized (this) {
        ArrayDeque<Runnable> queue = queues.get(key);
        queue.poll();
        pending--;
        if (queue.isEmpty()) {
          queues.remove(key);
          notifyAll();
          return;
        }
      }
    }
  }
}
