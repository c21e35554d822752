package dev.vipd.cluster.beacon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailureDetectionProfileTest {
  @Test
  void defaultDetectsWellUnderEightHundredMillisAndRarelyFalselySuspects() {
    FailureDetectionProfile p = FailureDetectionProfile.DEFAULT;

    assertThat(p.suspicionTimeout()).isEqualTo(Duration.ofMillis(560));
    // 365 x 2,160,000 x 0.2^13 x 0.8
    assertThat(p.expectedFalseSuspicionsPerYear(0.2)).isCloseTo(0.5167, within(0.001));
  }

  @Test
  void fastDetectsUnderThreeHundredMillisAndRarelyFalselySuspects() {
    FailureDetectionProfile p = FailureDetectionProfile.FAST;

    assertThat(p.suspicionTimeout()).isEqualTo(Duration.ofMillis(225));
    // 365 x 5,760,000 x 0.2^14 x 0.8
    assertThat(p.expectedFalseSuspicionsPerYear(0.2)).isCloseTo(0.2756, within(0.001));
  }

  @Test
  void fastestDetectsInEightyMillisAndRarelyFalselySuspects() {
    FailureDetectionProfile p = FailureDetectionProfile.FASTEST;

    assertThat(p.suspicionTimeout()).isEqualTo(Duration.ofMillis(80));
    // 365 x 17,280,000 x 0.2^15 x 0.8
    assertThat(p.expectedFalseSuspicionsPerYear(0.2)).isCloseTo(0.1654, within(0.001));
    // the same 120 ms timeout as 10 ms x 12 would suspect a live peer ~52 times a year
    FailureDetectionProfile tenByTwelve =
        new FailureDetectionProfile("10x12", Duration.ofMillis(10), 12, 3);
    assertThat(tenByTwelve.expectedFalseSuspicionsPerYear(0.2)).isCloseTo(51.7, within(0.1));
  }

  @Test
  void beaconRatePerPeerIsOnePerInterval() {
    assertThat(FailureDetectionProfile.DEFAULT.beaconsPerSecondPerPeer()).isEqualTo(25.0);
    assertThat(FailureDetectionProfile.FAST.beaconsPerSecondPerPeer())
        .isCloseTo(66.67, within(0.01));
    assertThat(FailureDetectionProfile.FASTEST.beaconsPerSecondPerPeer()).isEqualTo(200.0);
  }

  @Test
  void suggestedStartingPointWouldFlap() {
    FailureDetectionProfile naive =
        new FailureDetectionProfile("naive", Duration.ofMillis(100), 7, 3);

    // k = 6: 864,000 x 0.2^6 x 0.8 = 44 per day.
    assertThat(naive.expectedFalseSuspicionsPerYear(0.2) / 365).isCloseTo(44.2, within(0.1));
  }

  @Test
  void namesMapToProfiles() {
    assertThat(FailureDetectionProfile.named("default")).isSameAs(FailureDetectionProfile.DEFAULT);
    assertThat(FailureDetectionProfile.named("FAST")).isSameAs(FailureDetectionProfile.FAST);
    assertThat(FailureDetectionProfile.named("fastest")).isSameAs(FailureDetectionProfile.FASTEST);
    assertThatThrownBy(() -> FailureDetectionProfile.named("slow"))
        .hasMessage("invalid failure-detection profile: slow (expected: default, fast or fastest)");
    assertThat(FailureDetectionProfile.names(" | ", " | ")).isEqualTo("default | fast | fastest");
  }

  @Test
  void rejectsInvalidValues() {
    assertThatThrownBy(() -> new FailureDetectionProfile("x", Duration.ZERO, 5, 1))
        .hasMessage("invalid beacon interval: 0ms (expected: 1ms-10s)");
    assertThatThrownBy(() -> new FailureDetectionProfile("x", Duration.ofMillis(10), 1, 1))
        .hasMessage("invalid misses: 1 (expected: 2-1000)");
    assertThatThrownBy(() -> new FailureDetectionProfile("x", Duration.ofMillis(10), 5, 0))
        .hasMessage("invalid clear-after: 0 (expected: 1-100)");
  }
}
