package dev.vipd.daemon.health;

/**
 * The state of one check as a pure function of its results: DOWN until {@code rise} consecutive
 * passes, then UP until {@code fall} consecutive failures. A result that agrees with the state
 * resets the opposite count, so only an unbroken run changes the state. Not thread-safe; {@link
 * CheckRunner} guards it.
 */
final class RiseFall {
  private final int rise;
  private final int fall;
  private boolean up;
  private int run;

  /** Starts in {@code up} with no run of contrary results. */
  RiseFall(int rise, int fall, boolean up) {
    if (rise < 1 || fall < 1) {
      throw new IllegalArgumentException(
          "invalid rise/fall: " + rise + "/" + fall + " (expected: >= 1)");
    }
    this.rise = rise;
    this.fall = fall;
    this.up = up;
  }

  /** Counts one result; returns whether the state changed. */
  boolean record(boolean passed) {
    if (passed == up) {
      run = 0;
      return false;
    }
    run++;
    if (run < (up ? fall : rise)) {
      return false;
    }
    up = !up;
    run = 0;
    return true;
  }

  boolean isUp() {
    return up;
  }
}
