package dev.vipd.testlab;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Bounded polling for lab conditions: every wait has a deadline and says what it waited for. */
public final class Await {
  private static final long POLL_MILLIS = 100;

  private Await() {}

  /**
   * Polls {@code condition} every 100 ms until it holds and returns the milliseconds that took;
   * after {@code timeout} fails with {@code what} and the text {@code state} gives then.
   */
  public static long until(String what, Duration timeout, BooleanSupplier condition,
      Supplier<String> state) {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what
            + state.get());
      }
      sleep(POLL_MILLIS);
    }
    return millisSince(start);
  }

  /** {@link Thread#sleep}, with an interrupt turned into an exception (the flag kept). */
  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Milliseconds since {@code nanoStart} (a {@link System#nanoTime} value). */
  public static long millisSince(long nanoStart) {
    return (System.nanoTime() - nanoStart) / 1_000_000;
  }
}
