package dev.vipd.protocol.raw;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Lets one log line through per period and counts the ones it held back, so that an error that
 * repeats on every frame cannot flood the log. Thread-safe and allocation-free when it says no.
 */
final class LogLimiter {
  private final LongSupplier ticker;
  private final long periodNanos;
  private final AtomicLong nextNanos;
  private final AtomicLong suppressed = new AtomicLong();

  LogLimiter(long period, TimeUnit unit) {
    this(period, unit, System::nanoTime);
  }

  /** With {@code ticker} as the clock, in nanoseconds ({@link System#nanoTime} in production). */
  LogLimiter(long period, TimeUnit unit, LongSupplier ticker) {
    this.ticker = ticker;
    this.periodNanos = unit.toNanos(period);
    this.nextNanos = new AtomicLong(ticker.getAsLong());
  }

  /**
   * Returns -1 when the caller must stay silent, otherwise the number of lines suppressed since
   * the last one that went through (and resets it).
   */
  long tryAcquire() {
    long now = ticker.getAsLong();
    long next = nextNanos.get();
    if (now - next < 0 || !nextNanos.compareAndSet(next, now + periodNanos)) {
      suppressed.incrementAndGet();
      return -1;
    }
    return suppressed.getAndSet(0);
  }
}
