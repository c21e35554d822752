package dev.vipd.daemon.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HookSpecTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @Test
  void validatesEveryField() {
    assertThatThrownBy(() -> new HookSpec("n", Set.of(), List.of("true"), TIMEOUT))
        .hasMessage("invalid events: [] (expected: one or more of acquire, release)");
    assertThatThrownBy(() -> new HookSpec("n", Set.of(HookEvent.ACQUIRE), List.of(), TIMEOUT))
        .hasMessage("invalid argv: [] (expected: a program and its arguments)");
    assertThatThrownBy(
            () -> new HookSpec("n", Set.of(HookEvent.ACQUIRE), List.of("true"), Duration.ZERO))
        .hasMessage("invalid timeout: 0ms (expected: 1ms-600000ms)");
    assertThatThrownBy(
            () -> new HookSpec("bad name", Set.of(HookEvent.ACQUIRE), List.of("true"), TIMEOUT))
        .hasMessageStartingWith("invalid hook name: \"bad name\"");
  }

  @Test
  void runsOnlyOnItsEvents() {
    HookSpec hook = new HookSpec("mail", Set.of(HookEvent.RELEASE), List.of("true"), TIMEOUT);
    assertThat(hook.runsOn(HookEvent.RELEASE)).isTrue();
    assertThat(hook.runsOn(HookEvent.ACQUIRE)).isFalse();
  }
}
