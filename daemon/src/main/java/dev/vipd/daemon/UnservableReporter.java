package dev.vipd.daemon;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Hands the data plane's unservable VIPs to the cluster on another thread, the latest set
 * winning: publishing to the cluster can wait on Hazelcast (seconds on a dead member's
 * partition), and the data plane's thread must never wait. Sets that arrive while one is being
 * published collapse into the newest. {@link #republish()} sends the last set again (the cluster
 * member started after the data plane). Thread-safe.
 */
final class UnservableReporter implements UnservableVips {
  private final Executor executor;
  private final Consumer<Set<InetAddress>> target;
  private final AtomicReference<Set<InetAddress>> pending = new AtomicReference<>();
  private volatile Set<InetAddress> last = Set.of();

  UnservableReporter(Executor executor, Consumer<Set<InetAddress>> target) {
    this.executor = Objects.requireNonNull(executor, "executor");
    this.target = Objects.requireNonNull(target, "target");
  }

  @Override
  public void unservable(Set<InetAddress> vips) {
    Set<InetAddress> copy = Set.copyOf(vips);
    last = copy;
    if (pending.getAndSet(copy) == null) {
      try {
        executor.execute(this::publish);
      } catch (RejectedExecutionException e) {
        pending.set(null); // closing
      }
    }
  }

  /** Sends the last set again. */
  void republish() {
    unservable(last);
  }

  private void publish() {
    Set<InetAddress> vips = pending.getAndSet(null);
    if (vips != null) {
      target.accept(vips);
    }
  }
}
