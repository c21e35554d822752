package dev.vipd.protocol.raw;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DescriptorGuardTest {
  private final AtomicInteger closed = new AtomicInteger();
  private final DescriptorGuard guard = new DescriptorGuard(closed::incrementAndGet);

  @Test
  void closesAtOnceWhenUnused() {
    guard.close();
    guard.close();
    assertThat(closed).hasValue(1);
    assertThat(guard.acquire()).isFalse();
  }

  @Test
  void lastUserClosesAfterClose() {
    assertThat(guard.acquire()).isTrue();
    assertThat(guard.acquire()).isTrue();
    guard.close();
    assertThat(guard.isClosed()).isTrue();
    assertThat(guard.acquire()).isFalse();
    guard.release();
    assertThat(closed).hasValue(0);
    guard.release();
    assertThat(closed).hasValue(1);
  }
}
