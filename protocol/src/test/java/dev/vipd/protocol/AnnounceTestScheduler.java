package dev.vipd.protocol;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A single-threaded scheduler on virtual time: tasks run only when the test calls {@link
 * #advance} or {@link #runDue}, in due order, with {@link #nanoTime()} set to each task's due time.
 *
 * <p>The clock starts a little below {@code Long.MAX_VALUE} so that it wraps during every test,
 * as {@code System.nanoTime()} may: code that compares nano times with {@code <} instead of by
 * subtraction fails here.
 */
final class AnnounceTestScheduler extends AbstractExecutorService
    implements ScheduledExecutorService {
  static final long START = Long.MAX_VALUE - Duration.ofSeconds(5).toNanos();
  private static final int MAX_TASKS_PER_ADVANCE = 10_000_000;

  private final PriorityQueue<Task> queue = new PriorityQueue<>(
      (a, b) -> a.due != b.due ? Long.signum(a.due - b.due) : Long.compare(a.seq, b.seq));
  private long now = START;
  private long nextSeq;
  private boolean shutdown;

  /** The virtual clock, to inject as the announcer's nano clock. */
  long nanoTime() {
    return now;
  }

  /** Virtual nanoseconds since the start. */
  long elapsed() {
    return now - START;
  }

  /** Runs every task due now, including tasks they schedule for now. */
  void runDue() {
    advance(Duration.ZERO);
  }

  /** Moves the clock forward by {@code step}, running each task at its due time. */
  void advance(Duration step) {
    long target = now + step.toNanos();
    for (int ran = 0; ; ran++) {
      if (ran == MAX_TASKS_PER_ADVANCE) {
        throw new AssertionError("more than " + MAX_TASKS_PER_ADVANCE + " tasks in one advance");
      }
      Task next = queue.peek();
      if (next == null || next.due - target > 0) {
        break;
      }
      queue.poll();
      if (next.cancelled) {
        continue;
      }
      now = next.due;
      next.done = true;
      next.command.run();
    }
    now = target;
  }

  /** Tasks scheduled and neither run nor cancelled. */
  int pendingTasks() {
    int n = 0;
    for (Task task : queue) {
      n += task.cancelled ? 0 : 1;
    }
    return n;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    if (shutdown) {
      throw new RejectedExecutionException("shut down");
    }
    Task task = new Task(command, now + Math.max(0, unit.toNanos(delay)), nextSeq++);
    queue.add(task);
    return task;
  }

  @Override
  public void execute(Runnable command) {
    schedule(command, 0, TimeUnit.NANOSECONDS);
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("not used by the announcer");
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(
      Runnable command, long initialDelay, long period, TimeUnit unit) {
    throw new UnsupportedOperationException("not used by the announcer");
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(
      Runnable command, long initialDelay, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException("not used by the announcer");
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    List<Runnable> left = new ArrayList<>();
    for (Task task : queue) {
      left.add(task.command);
    }
    queue.clear();
    return left;
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown && queue.isEmpty();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return isTerminated();
  }

  private final class Task implements ScheduledFuture<Object> {
    final Runnable command;
    final long due;
    final long seq;
    boolean cancelled;
    boolean done;

    Task(Runnable command, long due, long seq) {
      this.command = command;
      this.due = due;
      this.seq = seq;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(due - now, TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      if (done || cancelled) {
        return false;
      }
      cancelled = true;
      return true;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public Object get() throws ExecutionException {
      throw new UnsupportedOperationException("not used by the announcer");
    }

    @Override
    public Object get(long timeout, TimeUnit unit) throws ExecutionException {
      throw new UnsupportedOperationException("not used by the announcer");
    }
  }
}
