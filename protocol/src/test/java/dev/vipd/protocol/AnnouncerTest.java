package dev.vipd.protocol;

import static dev.vipd.protocol.AnnounceHarness.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vipd.protocol.AnnounceHarness.First;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bursts, refresh, stop, ownership, re-announce and lifecycle, on virtual time. */
class AnnouncerTest {
  private static final AnnounceSettings SETTINGS =
      new AnnounceSettings(3, Duration.ofMillis(500), Duration.ofSeconds(30), 2000);
  private static final InetAddress V4 = ip("198.51.100.10");
  private static final InetAddress V6 = ip("2001:db8::10");

  @Test
  void firstFrameLeavesAtOnce() {
    AnnounceHarness h = AnnounceHarness.started(SETTINGS);
    h.announcer.announce(V4);
    h.scheduler.runDue();
    assertThat(h.millisOf(V4)).containsExactly(0L);
    assertThat(h.frames.get(0).at()).isZero();
  }

  @Test
  void burstHasCountFramesIntervalApart() {
    AnnounceHarness h = AnnounceHarness.started(SETTINGS);
    h.advanceMillis(1234);
    h.announcer.announce(V4);
    h.advance(Duration.ofSeconds(10));
    assertThat(h.millisOf(V4)).containsExactly(1234L, 1734L, 2234L);
  }

  @Test
  void refreshRepeatsWhileOwned() {
    AnnounceHarness h = AnnounceHarness.started(SETTINGS);
    h.announcer.announce(V4);
    h.advance(Duration.ofSeconds(100));
    assertThat(h.millisOf(V4)).containsExactly(0L, 500L, 1000L, 31_000L, 61_000L, 91_000L);
    assertThat(h.announcer.announced()).containsExactly(V4);
  }

  @Test
  void noRefreshWhenTurnedOffAndNoTaskLeft() {
    AnnounceHarness h = AnnounceHarness.started(
        new AnnounceSettings(2, Duration.ofMillis(100), Duration.ZERO, 2000));
    h.announcer.announce(V4);
    h.advance(Duration.ofMinutes(5));
    assertThat(h.millisOf(V4)).containsExactly(0L, 100L);
    assertThat(h.scheduler.pendingTasks()).isZero();
    assertThat(h.announcer.announced()).containsExactly(V4);
  }

  @Test
  void nothingAfterStopEvenWithAFrameWaitingForPacing() {
    // One frame per second: B's first frame is queued behind A's when B is stopped.
    AnnounceHarness h = AnnounceHarness.started(
        new AnnounceSettings(3, Duration.ofMillis(500), Duration.ofSeconds(30), 1));
    InetAddress b = ip("198.51.100.11");
    h.announcer.announce(V4);
    h.announcer.announce(b);
    h.advanceMillis(500);
    h.announcer.stop(b);
    h.announcer.stop(V4);
    assertThat(h.scheduler.pendingTasks()).isZero();
    h.advance(Duration.ofMinutes(2));
    assertThat(h.millisOf(V4)).containsExactly(0L);
    assertThat(h.millisOf(b)).isEmpty();
    assertThat(h.announcer.announced()).isEmpty();
    assertThat(h.scheduler.pendingTasks()).isZero();
  }

  @Test
  void stopDuringADrainDropsTheFrameAlreadyDue() {
    AnnounceHarness h = AnnounceHarness.started(SETTINGS);
    InetAddress b = ip("198.51.100.11");
    h.announcer.announce(V4);
    h.announcer.announce(b);
    // B's first frame is due in the same drain as A's; stop(B) arrives while A's is being sent.
    h.onSend = vip -> h.announcer.stop(b);
    h.scheduler.runDue();
    assertThat(h.millisOf(V4)).containsExactly(0L);
    assertThat(h.millisOf(b)).isEmpty();
  }

  @Test
  void stopFromInsideTheSinkLeavesNothingBehind() {
    AnnounceHarness h = AnnounceHarness.started(SETTINGS);
    h.announcer.announce(V4);
    h.onSend = vip -> h.announcer.stop(vip);
    h.advance(Duration.ofMinutes(2));
    assertThat(h.millisOf(V4)).containsExactly(0L);
    assertThat(h.announcer.announced()).isEmpty();
    assertThat(h.scheduler.pendingTasks()).isZero();
  }

  @Test
  void ownershipLostDropsTheSchedule() {
    AnnounceHarness h = AnnounceHarness.started(SETTINGS);
    h.announcer.announce(V4);
    h.scheduler.runDue();
    h.disowned.add(V4);
    h.advance(Duration.ofMinutes(2));
    assertThat(h.millisOf(V4)).containsExactly(0L);
    assertThat(h.announcer.announced()).isEmpty();
    assertThat(h.scheduler.pendingTasks()).isZero();
  }

  @Test
  void ownershipIsCheckedBeforeTheFirstFrame() {
    AnnounceHarness h = AnnounceHarness.started(SETTINGS);
    h.disowned.add(V4);
    h.announcer.announce(V4);
    h.advance(Duration.ofMinutes(1));
    assertThat(h.frames).isEmpty();
    assertThat(h.firsts).isEmpty();
  }

  @Test
  void announceAgainRestartsTheBurstAndIsANewAcquisition() {
    AnnounceHarness h = AnnounceHarness.started(SETTINGS);
    h.announcer.announce(V4);
    h.advanceMillis(600);
    h.announcer.announce(V4);
    h.advance(Duration.ofSeconds(20));
    assertThat(h.millisOf(V4)).containsExactly(0L, 500L, 600L, 1100L, 1600L);
    assertThat(h.firsts).containsExactly(new First(V4, 0), new First(V4, ms(600)));
  }

  @Test
  void listenerGetsTheTimeOfTheFirstSendOncePerAcquisition() {
    // One frame per second: the three first frames leave at 0, 1 s and 2 s.
    AnnounceHarness h = AnnounceHarness.started(
        new AnnounceSettings(3, Duration.ofMillis(500), Duration.ofSeconds(30), 1));
    InetAddress b = ip("198.51.100.11");
    h.announcer.announce(V4);
    h.announcer.announce(b);
    h.announcer.announce(V6);
    h.advance(Duration.ofMinutes(2));
    assertThat(h.firsts).containsExactly(
        new First(V4, 0), new First(b, ms(1000)), new First(V6, ms(2000)));
  }

  @Test
  void listenerWaitsForTheFirstSuccessfulSend() {
    AnnounceHarness h = AnnounceHarness.started(SETTINGS);
    h.failing = vip -> h.frames.isEmpty();
    h.announcer.announce(V4);
    h.advance(Duration.ofMinutes(2));
    assertThat(h.firsts).containsExactly(new First(V4, ms(500)));
  }

  @Test
  void failedSendsAreCountedAndTheRefreshGoesOn() {
    AnnounceHarness h = AnnounceHarness.started(SETTINGS);
    h.failing = vip -> true;
    h.announcer.announce(V4);
    h.advance(Duration.ofSeconds(65));
    assertThat(h.millisOf(V4)).containsExactly(0L, 500L, 1000L, 31_000L, 61_000L);
    assertThat(h.failedCount("garp")).isEqualTo(5);
    assertThat(h.sentCount("garp")).isZero();
    assertThat(h.firsts).isEmpty();
  }

  @Test
  void aThrowingSinkCountsAsAFailureAndTheScheduleGoesOn() {
    AnnounceHarness h = AnnounceHarness.started(SETTINGS);
    h.onSend = vip -> {
      throw new IllegalStateException("socket closed");
    };
    h.announcer.announce(V6);
    h.advance(Duration.ofSeconds(2));
    assertThat(h.failedCount("unsolicited-na")).isEqualTo(3);
    assertThat(h.announcer.announced()).containsExactly(V6);
  }

  @Test
  void countersCountFramesByKind() {
    AnnounceHarness h = AnnounceHarness.started(SETTINGS);
    h.announcer.announce(V4);
    h.announcer.announce(ip("198.51.100.11"));
    h.announcer.announce(V6);
    h.advance(Duration.ofSeconds(32));
    assertThat(h.sentCount("garp")).isEqualTo(8);
    assertThat(h.sentCount("unsolicited-na")).isEqualTo(4);
    assertThat(h.failedCount("garp")).isZero();
    assertThat(h.failedCount("unsolicited-na")).isZero();
  }

  @Test
  void closeStopsEverythingAndIsIdempotent() {
    AnnounceHarness h = AnnounceHarness.started(SETTINGS);
    h.announcer.announce(V4);
    h.announcer.announce(V6);
    h.scheduler.runDue();
    h.announcer.close();
    h.announcer.close();
    h.announcer.announce(ip("198.51.100.11"));
    h.advance(Duration.ofMinutes(2));
    assertThat(h.frames).hasSize(2);
    assertThat(h.announcer.announced()).isEmpty();
    assertThat(h.scheduler.pendingTasks()).isZero();
  }

  @Test
  void nothingIsSentBeforeStartAndStartIsOnce() {
    AnnounceHarness h = new AnnounceHarness(SETTINGS);
    h.announcer.announce(V4);
    h.advance(Duration.ofSeconds(5));
    assertThat(h.frames).isEmpty();
    assertThat(h.scheduler.pendingTasks()).isZero();
    h.announcer.start();
    h.advance(Duration.ofSeconds(2));
    assertThat(h.millisOf(V4)).containsExactly(5000L, 5500L, 6000L);
    assertThatThrownBy(h.announcer::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("announcer on eth0 already started");
  }

  @Test
  void updateAppliesToLaterFrames() {
    AnnounceHarness h = AnnounceHarness.started(SETTINGS);
    h.announcer.announce(V4);
    h.advanceMillis(2000);
    h.announcer.update(new AnnounceSettings(1, Duration.ofMillis(500), Duration.ofSeconds(5), 10));
    h.advance(Duration.ofSeconds(40));
    // The refresh already due keeps its time; the ones after it use the new period.
    assertThat(h.millisOf(V4)).containsExactly(0L, 500L, 1000L, 31_000L, 36_000L, 41_000L);
    h.announcer.announce(V6);
    h.advance(Duration.ofSeconds(2));
    assertThat(h.millisOf(V6)).containsExactly(42_000L);
  }

  @Test
  void refreshTurnedOnLaterReachesAddressesWhoseBurstIsOver() {
    AnnounceHarness h = AnnounceHarness.started(
        new AnnounceSettings(1, Duration.ofMillis(500), Duration.ZERO, 2000));
    h.announcer.announce(V4);
    h.advance(Duration.ofSeconds(10));
    h.announcer.update(SETTINGS);
    h.advance(Duration.ofSeconds(31));
    assertThat(h.millisOf(V4)).containsExactly(0L, 40_000L);
  }

  private static long ms(long millis) {
    return Duration.ofMillis(millis).toNanos();
  }
}
