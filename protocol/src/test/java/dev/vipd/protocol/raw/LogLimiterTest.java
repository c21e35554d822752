package dev.vipd.protocol.raw;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LogLimiterTest {

  @Test
  void letsOneLineThroughPerPeriodAndCountsTheRest() {
    AtomicLong now = new AtomicLong(1_000);
    LogLimiter limiter = new LogLimiter(500, TimeUnit.MILLISECONDS, now::get);
    assertThat(limiter.tryAcquire()).isZero();
    assertThat(limiter.tryAcquire()).isEqualTo(-1);
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(499));
    assertThat(limiter.tryAcquire()).isEqualTo(-1);
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
    assertThat(limiter.tryAcquire()).as("a period later: one line, two held back").isEqualTo(2);
    assertThat(limiter.tryAcquire()).isEqualTo(-1);
  }
}
