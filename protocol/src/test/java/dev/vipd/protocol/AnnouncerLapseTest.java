package dev.vipd.protocol;

import static dev.vipd.protocol.AnnounceHarness.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.protocol.AnnounceHarness.First;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The announcer's gate (the answer deadline: paused or fenced nodes stay silent) and what happens
 * after it: nothing announced is lost, only delayed. Virtual time throughout.
 */
class AnnouncerLapseTest {
  private static final AnnounceSettings SETTINGS =
      new AnnounceSettings(3, Duration.ofMillis(500), Duration.ofSeconds(30), 2000);
  private static final InetAddress V4 = ip("198.51.100.10");
  private static final InetAddress V6 = ip("2001:db8::10");

  @Test
  void aLapseSendsNothingAndResumingSendsWhatFellDueThenTheRefreshGoesOn() {
    AnnounceHarness h = AnnounceHarness.started(SETTINGS);
    h.announcer.announce(V4);
    h.advanceMillis(10_000);
    h.gateOpen = false; // the deadline lapsed (or the node fenced itself)
    h.advanceMillis(30_000); // the refresh due at 31 s falls in the lapse
    h.announcer.announce(V6); // acquired while silent
    h.advanceMillis(25_000);
    assertThat(h.millisOf(V4)).containsExactly(0L, 500L, 1000L);
    assertThat(h.millisOf(V6)).isEmpty();
    assertThat(h.announcer.announced()).containsExactlyInAnyOrder(V4, V6);

    h.gateOpen = true;
    h.announcer.resume();
    h.advanceMillis(40_000);
    // V4: the missed refresh at once, then every 30 s again; V6: its whole burst, then refresh.
    assertThat(h.millisOf(V4)).containsExactly(0L, 500L, 1000L, 65_000L, 95_000L);
    assertThat(h.millisOf(V6)).containsExactly(65_000L, 65_500L, 66_000L, 96_000L);
    assertThat(h.firsts).containsExactly(new First(V4, 0), new First(V6, ms(65_000)));
  }

  @Test
  void aGateThatOpensWhileThePumpParksIsResumedByThePumpItself() {
    AnnounceHarness h = AnnounceHarness.started(SETTINGS);
    h.announcer.announce(V4);
    h.advanceMillis(200);
    h.gateOpen = false;
    h.closedReads = 1; // the pump reads "closed", then the gate opens before it parks the frame
    h.advanceMillis(300);
    // Nobody calls resume(): the opener read parkedAny before the pump set it.
    h.advanceMillis(2000);
    assertThat(h.millisOf(V4)).as("not parked for good").containsExactly(0L, 500L, 1000L);
  }

  @Test
  void aBurstCutByTheLapseFinishesAfterIt() {
    AnnounceHarness h = AnnounceHarness.started(SETTINGS);
    h.announcer.announce(V4);
    h.advanceMillis(200);
    h.gateOpen = false;
    h.advanceMillis(2000);
    h.gateOpen = true;
    h.announcer.resume();
    h.advanceMillis(2000);
    assertThat(h.millisOf(V4)).containsExactly(0L, 2200L, 2700L);
  }

  @Test
  void resumeWhileTheGateIsStillClosedKeepsEverythingParked() {
    AnnounceHarness h = AnnounceHarness.started(SETTINGS);
    h.gateOpen = false;
    h.announcer.announce(V4);
    h.advanceMillis(1000);
    h.announcer.resume(); // a deadline push that did not open the gate
    h.advanceMillis(1000);
    assertThat(h.frames).isEmpty();
    h.gateOpen = true;
    h.announcer.resume();
    h.scheduler.runDue();
    assertThat(h.millisOf(V4)).containsExactly(2000L);
  }

  @Test
  void anAddressStoppedDuringTheLapseStaysSilentAfterIt() {
    AnnounceHarness h = AnnounceHarness.started(SETTINGS);
    h.announcer.announce(V4);
    h.announcer.announce(V6);
    h.scheduler.runDue();
    h.gateOpen = false;
    h.advanceMillis(1000);
    h.announcer.stop(V4);
    h.gateOpen = true;
    h.announcer.resume();
    h.advanceMillis(2000);
    assertThat(h.millisOf(V4)).containsExactly(0L);
    assertThat(h.millisOf(V6)).containsExactly(0L, 1000L, 1500L);
  }

  @Test
  void parkedFramesSpendNoBudget() {
    AnnounceHarness h = AnnounceHarness.started(
        new AnnounceSettings(1, Duration.ofMillis(10), Duration.ofSeconds(1), 1));
    List<InetAddress> vips = AnnounceHarness.addresses(3);
    h.gateOpen = false;
    vips.forEach(h.announcer::announce);
    h.advanceMillis(1500);
    h.gateOpen = true;
    h.announcer.resume();
    h.scheduler.runDue();
    assertThat(h.frames).hasSize(1).first().extracting(AnnounceHarness.Frame::at)
        .isEqualTo(ms(1500));
  }

  @Test
  void aFailingGateCountsAsClosed() {
    AnnounceHarness h = AnnounceHarness.started(SETTINGS);
    h.gateOpen = false;
    h.announcer.announce(V4);
    h.advanceMillis(100);
    assertThat(h.frames).isEmpty();
    assertThat(h.scheduler.pendingTasks()).as("a parked address schedules nothing").isZero();
  }

  private static long ms(long millis) {
    return Duration.ofMillis(millis).toNanos();
  }
}
