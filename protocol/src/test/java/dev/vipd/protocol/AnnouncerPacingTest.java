package dev.vipd.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.protocol.AnnounceHarness.Frame;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The frame budget and the rule that first frames go before repeats. */
class AnnouncerPacingTest {
  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  @Test
  void noSecondHoldsMoreThanFramesPerSecond() {
    // Unpaced, these 1500 frames would all leave within 200 ms.
    AnnounceHarness h = AnnounceHarness.started(
        new AnnounceSettings(3, Duration.ofMillis(100), Duration.ofSeconds(30), 1000));
    List<InetAddress> vips = AnnounceHarness.addresses(500);
    vips.forEach(h.announcer::announce);
    h.advance(Duration.ofSeconds(5));

    assertThat(h.frames).hasSize(1500);
    int busiest = busiestSecond(h.frames);
    assertThat(busiest).isLessThanOrEqualTo(1000);
    // The budget is used, not wasted: within 2% of the limit (the bucket refills at 99%).
    assertThat(busiest).isGreaterThanOrEqualTo(980);
    assertThat(h.frames.get(1499).at()).isLessThan(Duration.ofMillis(1600).toNanos());
  }

  @Test
  void everyFirstFrameLeavesBeforeAnySecondFrame() {
    // 100 frames/s and 10 ms spacing: the second frames fall due long before the last first.
    AnnounceHarness h = AnnounceHarness.started(
        new AnnounceSettings(3, Duration.ofMillis(10), Duration.ofSeconds(30), 100));
    List<InetAddress> vips = AnnounceHarness.addresses(200);
    vips.forEach(h.announcer::announce);
    h.advance(Duration.ofSeconds(10));

    assertThat(h.frames).hasSize(600);
    assertThat(h.frames.subList(0, 200)).extracting(Frame::vip).containsExactlyElementsOf(vips);
    assertThat(h.frames.subList(200, 400)).extracting(Frame::vip).containsExactlyElementsOf(vips);
  }

  @Test
  void aNewAcquisitionOvertakesRepeatsAlreadyDue() {
    AnnounceHarness h = AnnounceHarness.started(
        new AnnounceSettings(3, Duration.ofMillis(10), Duration.ofSeconds(30), 100));
    List<InetAddress> vips = AnnounceHarness.addresses(101);
    vips.subList(0, 100).forEach(h.announcer::announce);
    h.advanceMillis(1500); // first frames done, repeats queued behind the budget
    h.announcer.announce(vips.get(100));
    h.advance(Duration.ofSeconds(10));

    Set<InetAddress> seen = new HashSet<>();
    int firstOfNewcomer = -1;
    for (int i = 0; i < h.frames.size(); i++) {
      if (h.frames.get(i).vip().equals(vips.get(100))) {
        firstOfNewcomer = i;
        break;
      }
      seen.add(h.frames.get(i).vip());
    }
    long newcomerAt = h.frames.get(firstOfNewcomer).at();
    assertThat(newcomerAt - Duration.ofMillis(1500).toNanos())
        .isBetween(0L, Duration.ofMillis(10).toNanos());
    assertThat(firstOfNewcomer).isLessThan(300);
    assertThat(seen).hasSize(100);
  }

  @Test
  void defaultsGet200FirstFramesOutWithinATenthOfASecond() {
    AnnounceHarness h = AnnounceHarness.started(AnnounceSettings.DEFAULTS);
    List<InetAddress> vips = AnnounceHarness.addresses(200);
    vips.forEach(h.announcer::announce);
    h.advanceMillis(100);

    assertThat(h.frames).extracting(Frame::vip).containsExactlyElementsOf(vips);
    assertThat(h.firsts).hasSize(200);
  }

  /** Most frames in any half-open one-second window starting at a frame. */
  private static int busiestSecond(List<Frame> frames) {
    int busiest = 0;
    int end = 0;
    for (int start = 0; start < frames.size(); start++) {
      while (end < frames.size() && frames.get(end).at() - frames.get(start).at() < SECOND) {
        end++;
      }
      busiest = Math.max(busiest, end - start);
    }
    return busiest;
  }
}
