package dev.vipd.protocol;

/**
 * The announcer's frame budget: a token bucket kept as one "theoretical arrival time" (the generic
 * cell rate algorithm), so it needs no refill task and only long arithmetic on nano timestamps.
 *
 * <p>Why a bucket and not one frame per {@code 1/framesPerSecond}: the scheduler that wakes the
 * announcer (a Netty event loop, or a {@code ScheduledThreadPoolExecutor}) often wakes a little
 * late; with strict spacing every late wake-up is lost sending capacity, and at 2000 frames/s
 * (one frame per 0.5 ms) wake-ups 0.5 ms late halve the rate. The bucket holds about 10 ms of
 * frames ({@code framesPerSecond / 100}, at least one) and lets the announcer catch up after a
 * late wake-up; 20 back-to-back frames at the default rate are nothing a switch notices.
 *
 * <p>Why the refill is {@code framesPerSecond - burst + 1} per second and not {@code
 * framesPerSecond}: a full bucket plus a full second of refill would let {@code framesPerSecond +
 * burst - 1} frames out within one second. With the lower refill no half-open one-second window
 * ever holds more than {@code framesPerSecond} frames (a window of length W holds at most {@code
 * burst + ceil(W / emission) - 1} frames), at the price of a long-run rate 1% below the limit.
 *
 * <p>Not thread-safe: the {@link Announcer} uses it under its lock.
 */
final class AnnouncePacer {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private final int framesPerSecond;
  private final int burst;
  private final long emissionNanos;
  private final long toleranceNanos;
  /** When the bucket is next empty of debt; meaningless until the first frame (primed). */
  private long theoreticalArrival;
  private boolean primed;

  AnnouncePacer(int framesPerSecond) {
    if (framesPerSecond < 1) {
      throw new IllegalArgumentException(
          "invalid frames per second: " + framesPerSecond + " (expected: >= 1)");
    }
    this.framesPerSecond = framesPerSecond;
    this.burst = Math.max(1, framesPerSecond / 100);
    long refillPerSecond = framesPerSecond - burst + 1;
    // Rounded up so that the emission interval never allows more than the refill rate.
    this.emissionNanos = (NANOS_PER_SECOND + refillPerSecond - 1) / refillPerSecond;
    this.toleranceNanos = (burst - 1) * emissionNanos;
  }

  /** A pacer for a new rate that keeps the debt of the frames this one already let out. */
  AnnouncePacer withRate(int newFramesPerSecond) {
    AnnouncePacer next = new AnnouncePacer(newFramesPerSecond);
    next.theoreticalArrival = theoreticalArrival;
    next.primed = primed;
    return next;
  }

  int framesPerSecond() {
    return framesPerSecond;
  }

  /** Frames that may leave back to back after a quiet period. */
  int burst() {
    return burst;
  }

  /** Whether one frame may leave at {@code now}. */
  boolean mayProceed(long now) {
    return !primed || nextAllowed() - now <= 0;
  }

  /** Earliest nano time at which the next frame may leave (only meaningful once primed). */
  long nextAllowed() {
    return theoreticalArrival - toleranceNanos;
  }

  /** Records that a frame left at {@code now}; call only after {@link #mayProceed} said yes. */
  void consume(long now) {
    long base = !primed || theoreticalArrival - now < 0 ? now : theoreticalArrival;
    theoreticalArrival = base + emissionNanos;
    primed = true;
  }
}
