package dev.vipd.daemon.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RunnableScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler whose clock moves only in {@link #advance}: tasks run on the calling thread, in time
 * order, when their time is reached. {@code execute}/{@code submit} run at the current time, on the
 * next advance. Cancelling from another thread is safe.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  private final PriorityQueue<Task<?>> queue = new PriorityQueue<>();
  private long now;
  private long sequence;
  private boolean shutdown;

  /** Runs every task due up to {@code now + step}, then sets the clock there. */
  public void advance(Duration step) {
    long target;
    synchronized (this) {
      target = now + step.toNanos();
    }
    while (true) {
      Task<?> task;
      synchronized (this) {
        task = queue.peek();
        if (task == null || task.time > target) {
          now = target;
          return;
        }
        queue.poll();
        now = task.time;
      }
      task.run();
    }
  }

  /** The scheduler's clock, in nanoseconds (a monotonic clock for the code under test). */
  public synchronized long nanoTime() {
    return now;
  }

  synchronized int pending() {
    return queue.size();
  }

  private final class Task<V> extends FutureTask<V> implements RunnableScheduledFuture<V> {
    private final long period;
    private final long order;
    private long time;

    Task(Callable<V> callable, long time) {
      super(callable);
      this.time = time;
      this.period = 0;
      this.order = sequence++;
    }

    Task(Runnable runnable, long time, long period) {
      super(runnable, null);
      this.time = time;
      this.period = period;
      this.order = sequence++;
    }

    @Override
    public boolean isPeriodic() {
      return period != 0;
    }

    @Override
    public void run() {
      if (!isPeriodic()) {
        super.run();
      } else if (runAndReset()) {
        synchronized (ManualScheduler.this) {
          time += period;
          queue.add(this);
        }
      }
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      synchronized (ManualScheduler.this) {
        queue.remove(this);
      }
      return cancelled;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      synchronized (ManualScheduler.this) {
        return unit.convert(time - now, TimeUnit.NANOSECONDS);
      }
    }

    @Override
    public int compareTo(Delayed other) {
      Task<?> that = (Task<?>) other;
      int byTime = Long.compare(time, that.time);
      return byTime != 0 ? byTime : Long.compare(order, that.order);
    }
  }

  private synchronized <V> Task<V> enqueue(Task<V> task) {
    if (shutdown) {
      throw new java.util.concurrent.RejectedExecutionException("shut down");
    }
    queue.add(task);
    return task;
  }

  @Override
  public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    return enqueue(new Task<>(command, now + unit.toNanos(delay), 0));
  }

  @Override
  public synchronized <V> ScheduledFuture<V> schedule(
      Callable<V> callable, long delay, TimeUnit unit) {
    return enqueue(new Task<>(callable, now + unit.toNanos(delay)));
  }

  @Override
  public synchronized ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    return enqueue(new Task<>(command, now + unit.toNanos(initialDelay), unit.toNanos(period)));
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    return scheduleAtFixedRate(command, initialDelay, delay, unit);
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public synchronized void shutdown() {
    shutdown = true;
  }

  @Override
  public synchronized List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> left = new ArrayList<>(queue);
    queue.clear();
    return left;
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  @Override
  public synchronized boolean isTerminated() {
    return shutdown && queue.isEmpty();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }
}
