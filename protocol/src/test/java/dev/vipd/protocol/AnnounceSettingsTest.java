package dev.vipd.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Validation messages and the documented defaults. */
class AnnounceSettingsTest {
  private static final Duration MS_500 = Duration.ofMillis(500);
  private static final Duration S_30 = Duration.ofSeconds(30);

  static Stream<Arguments> invalid() {
    return Stream.of(
        Arguments.of(0, MS_500, S_30, 2000, "invalid garp count: 0 (expected: 1-100)"),
        Arguments.of(101, MS_500, S_30, 2000, "invalid garp count: 101 (expected: 1-100)"),
        Arguments.of(-3, MS_500, S_30, 2000, "invalid garp count: -3 (expected: 1-100)"),
        Arguments.of(3, Duration.ofMillis(9), S_30, 2000,
            "invalid garp interval: 9ms (expected: >= 10ms)"),
        Arguments.of(3, Duration.ofMillis(-1), S_30, 2000,
            "invalid garp interval: -1ms (expected: >= 10ms)"),
        Arguments.of(3, MS_500, Duration.ofMillis(999), 2000,
            "invalid refresh interval: 999ms (expected: 0 (off) or >= 1s)"),
        Arguments.of(3, MS_500, Duration.ofSeconds(-30), 2000,
            "invalid refresh interval: -30000ms (expected: 0 (off) or >= 1s)"),
        Arguments.of(3, MS_500, S_30, 0,
            "invalid frames per second: 0 (expected: 1-100000)"),
        Arguments.of(3, MS_500, S_30, 100_001,
            "invalid frames per second: 100001 (expected: 1-100000)"));
  }

  @ParameterizedTest
  @MethodSource("invalid")
  void refusesOutOfRangeValues(
      int count, Duration interval, Duration refresh, int fps, String message) {
    assertThatThrownBy(() -> new AnnounceSettings(count, interval, refresh, fps))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  static Stream<Arguments> valid() {
    return Stream.of(
        Arguments.of(1, Duration.ofMillis(10), Duration.ZERO, 1),
        Arguments.of(100, Duration.ofMinutes(1), Duration.ofSeconds(1), 100_000),
        Arguments.of(3, MS_500, Duration.ofHours(1), 2000));
  }

  @ParameterizedTest
  @MethodSource("valid")
  void acceptsTheBounds(int count, Duration interval, Duration refresh, int fps) {
    AnnounceSettings settings = new AnnounceSettings(count, interval, refresh, fps);
    assertThat(settings.count()).isEqualTo(count);
    assertThat(settings.refreshEnabled()).isEqualTo(!refresh.isZero());
  }

  @Test
  void refusesMissingDurations() {
    assertThatThrownBy(() -> new AnnounceSettings(3, null, S_30, 2000))
        .isInstanceOf(NullPointerException.class).hasMessage("interval");
    assertThatThrownBy(() -> new AnnounceSettings(3, MS_500, null, 2000))
        .isInstanceOf(NullPointerException.class).hasMessage("refreshInterval");
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    assertThat(AnnounceSettings.DEFAULTS)
        .isEqualTo(new AnnounceSettings(3, MS_500, S_30, 2000));
    assertThat(AnnounceSettings.DEFAULTS.refreshEnabled()).isTrue();
  }
}
