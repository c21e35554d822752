package dev.vipd.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The bucket's promise: no one-second window over the limit, and the limit nearly reached. */
class AnnouncePacerTest {
  private static final long SECOND = 1_000_000_000L;
  private static final long START = Long.MAX_VALUE - SECOND; // wraps, like System.nanoTime may

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 99, 100, 1000, 2000, 99_999, 100_000})
  void greedySenderStaysWithinTheLimit(int fps) {
    AnnouncePacer pacer = new AnnouncePacer(fps);
    List<Long> sent = new ArrayList<>();
    long now = START;
    while (now - START < 3 * SECOND) {
      if (pacer.mayProceed(now)) {
        pacer.consume(now);
        sent.add(now - START);
      } else {
        now = pacer.nextAllowed();
      }
    }
    assertThat(busiestSecond(sent)).isLessThanOrEqualTo(fps).isGreaterThanOrEqualTo(fps * 98 / 100);
  }

  @ParameterizedTest
  @ValueSource(ints = {1000, 2000, 20_000})
  void lateWakeUpsLoseNoCapacity(int fps) {
    // Woken every 1 ms at best, as a coarse timer would: strict spacing would send 1000/s.
    AnnouncePacer pacer = new AnnouncePacer(fps);
    List<Long> sent = new ArrayList<>();
    for (long now = START; now - START < 3 * SECOND; now += 1_000_000) {
      while (pacer.mayProceed(now)) {
        pacer.consume(now);
        sent.add(now - START);
      }
    }
    assertThat(busiestSecond(sent)).isLessThanOrEqualTo(fps).isGreaterThanOrEqualTo(fps * 98 / 100);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 99, 100, 2000, 100_000})
  void burstIsTenMillisecondsOfFrames(int fps) {
    AnnouncePacer pacer = new AnnouncePacer(fps);
    int frames = 0;
    while (pacer.mayProceed(START)) {
      pacer.consume(START);
      frames++;
    }
    assertThat(frames).isEqualTo(pacer.burst()).isEqualTo(Math.max(1, fps / 100));
  }

  private static int busiestSecond(List<Long> times) {
    int busiest = 0;
    int end = 0;
    for (int start = 0; start < times.size(); start++) {
      while (end < times.size() && times.get(end) - times.get(start) < SECOND) {
        end++;
      }
      busiest = Math.max(busiest, end - start);
    }
    return busiest;
  }
}
