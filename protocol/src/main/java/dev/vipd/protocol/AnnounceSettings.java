package dev.vipd.protocol;

import java.time.Duration;
import java.util.Objects;

/**
 * How an {@link Announcer} announces the addresses it acquires: a burst of {@code count} frames
 * {@code interval} apart, then one frame every {@code refreshInterval} while the address stays
 * owned, never more than {@code framesPerSecond} frames per second in all.
 *
 * @param count frames in each burst, 1-100
 * @param interval minimum time between two frames of a burst, at least 10 ms
 * @param refreshInterval time between refresh frames after a burst, at least 1 s; {@link
 *     Duration#ZERO} turns the refresh off
 * @param framesPerSecond most frames the announcer sends in any one second, 1-100000
 */
public record AnnounceSettings(
    int count, Duration interval, Duration refreshInterval, int framesPerSecond) {

  /** Smallest burst spacing: below it the frames of one burst arrive as one, a flap loses all. */
  public static final Duration MIN_INTERVAL = Duration.ofMillis(10);

  /** Shortest refresh period; anything shorter is a flood, not a refresh. */
  public static final Duration MIN_REFRESH_INTERVAL = Duration.ofSeconds(1);

  /** Highest burst size: beyond this a burst is a storm, not a repetition. */
  public static final int MAX_COUNT = 100;

  /** Highest pacing rate, 50 times the default: catches a value meant per millisecond. */
  public static final int MAX_FRAMES_PER_SECOND = 100_000;

  /**
   * The defaults of the {@code announce} config section.
   *
   * <ul>
   *   <li>count 3, interval 500 ms: three frames over one second survive one lost frame and a
   *       switch port that is still in STP listening/learning or flapping when the first frame
   *       leaves (keepalived and MetalLB also repeat; a single frame is what loses clients).
   *   <li>refresh 30 s: well under common cache lifetimes (Linux and Windows keep a neighbour
   *       reachable 15-45 s, switches age MAC entries after 300 s, routers keep ARP entries for
   *       minutes to hours), so a client or switch that missed the burst is re-taught within about
   *       one cache lifetime instead of keeping the old MAC forever (MetalLB issue #2910); at 200
   *       VIPs it costs under 7 frames a second.
   *   <li>2000 frames/s: 200 VIPs' first frames leave within 0.1 s, yet a switch CPU that punts
   *       ARP to software is not flooded the way keepalived's unpaced bursts flood it (the problem
   *       its {@code vrrp_garp_interval} exists for: 2 x 1,000 GARPs in ~14 ms here).
   * </ul>
   */
  public static final AnnounceSettings DEFAULTS =
      new AnnounceSettings(3, Duration.ofMillis(500), Duration.ofSeconds(30), 2000);

  public AnnounceSettings {
    if (count < 1 || count > MAX_COUNT) {
      throw new IllegalArgumentException(
          "invalid garp count: " + count + " (expected: 1-" + MAX_COUNT + ")");
    }
    Objects.requireNonNull(interval, "interval");
    Objects.requireNonNull(refreshInterval, "refreshInterval");
    if (interval.compareTo(MIN_INTERVAL) < 0) {
      throw new IllegalArgumentException(
          "invalid garp interval: " + interval.toMillis() + "ms (expected: >= 10ms)");
    }
    if (!refreshInterval.isZero() && refreshInterval.compareTo(MIN_REFRESH_INTERVAL) < 0) {
      throw new IllegalArgumentException(
          "invalid refresh interval: " + refreshInterval.toMillis()
              + "ms (expected: 0 (off) or >= 1s)");
    }
    if (framesPerSecond < 1 || framesPerSecond > MAX_FRAMES_PER_SECOND) {
      throw new IllegalArgumentException(
          "invalid frames per second: " + framesPerSecond + " (expected: 1-"
              + MAX_FRAMES_PER_SECOND + ")");
    }
  }

  /** Whether frames are repeated after the burst. */
  public boolean refreshEnabled() {
    return !refreshInterval.isZero();
  }
}
