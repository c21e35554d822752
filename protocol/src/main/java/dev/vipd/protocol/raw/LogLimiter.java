package dev.vipd.protocol.raw;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets one log line through per period and counts the ones it held back, so that an error that
 * repeats on every frame cannot flood the log. Thread-safe and allocation-free when it says no.
 */
final class LogLimiter {
  private final long periodNanos;
  private final AtomicLong nextNanos;
  private final AtomicLong suppressed = new AtomicLong();

  LogLimiter(long period, TimeUnit unit) {
    this.periodNanos = unit.toNanos(period);
    this.nextNanos = new AtomicLong(System.nanoTime());
  }

  /**
   * Returns -1 when the caller must stay silent, otherwise the number of lines suppressed since
   * the last one that went through (and resets it).
   */
  long tryAcquire() {
    long now = System.nanoTime();
    long next = nextNanos.get();
    if (now - next < 0 || !nextNanos.compareAndSet(next, now + periodNanos)) {
      suppressed.incrementAndGet();
      return -1;
    }
    return suppressed.getAndSet(0);
  }
}
