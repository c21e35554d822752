package dev.vipd.protocol.raw;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LogLimiterTest {

  @Test
  void letsOneLineThroughPerPeriodAndCountsTheRest() throws Exception {
    LogLimiter limiter = new LogLimiter(500, TimeUnit.MILLISECONDS);
    assertThat(limiter.tryAcquire()).isZero();
    assertThat(limiter.tryAcquire()).isEqualTo(-1);
    assertThat(limiter.tryAcquire()).isEqualTo(-1);
    Thread.sleep(600);
    assertThat(limiter.tryAcquire()).isEqualTo(2);
  }
}
