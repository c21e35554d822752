package dev.vipd.daemon.http;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Computes the {@code /status} document off the HTTP event loop, with a bound.
 *
 * <p>The document asks the cluster for its view, which can wait on the cluster's thread (up to
 * seconds while Hazelcast is stuck on a dead member). On the event loop that would stall every
 * connection, {@code /healthz} and {@code /metrics} included. Here it runs on its own thread
 * ({@code vipd-http-status}), one computation at a time: requests that arrive while one runs
 * share its result, so a flood of {@code /status} requests costs one computation, not a queue of
 * them. A caller waits at most {@link #DEFAULT_BOUND}; then it gets a failed future with {@link
 * java.util.concurrent.TimeoutException} (the endpoint answers 503) and the computation goes on
 * for the next caller. Thread-safe; the thread starts with the first request after a start
 * or {@link #close()}.
 */
final class StatusSource implements AutoCloseable {
  /** Longer than a healthy cluster takes (milliseconds), shorter than a scraper's 10 s timeout. */
  static final Duration DEFAULT_BOUND = Duration.ofSeconds(2);

  private final Supplier<String> status;
  private final Duration bound;
  private ExecutorService executor; // guarded by this; created on first use
  private CompletableFuture<String> running; // guarded by this

  StatusSource(Supplier<String> status, Duration bound) {
    this.status = Objects.requireNonNull(status, "status");
    if (bound.isNegative() || bound.isZero()) {
      throw new IllegalArgumentException("invalid status bound: " + bound + " (expected: > 0)");
    }
    this.bound = bound;
  }

  /** The document, completed on the status thread, or failed after the bound. Never blocks. */
  synchronized CompletableFuture<String> get() {
    if (running == null || running.isDone()) {
      if (executor == null) {
        executor = Executors.newSingleThreadExecutor(r -> {
          Thread t = new Thread(r, "vipd-http-status");
          t.setDaemon(true);
          return t;
        });
      }
      try {
        running = CompletableFuture.supplyAsync(status, executor);
      } catch (RejectedExecutionException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return running.copy().orTimeout(bound.toMillis(), TimeUnit.MILLISECONDS);
  }

  Duration bound() {
    return bound;
  }

  @Override
  public synchronized void close() {
    if (executor != null) {
      executor.shutdownNow(); // a computation stuck in the cluster is interrupted
      executor = null;
    }
    running = null;
  }
}
