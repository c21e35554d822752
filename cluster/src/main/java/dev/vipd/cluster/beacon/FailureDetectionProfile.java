package dev.vipd.cluster.beacon;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How often beacons go out and how much silence makes a peer suspect.
 *
 * <p>A peer is <em>suspected</em> once nothing has been heard from it for longer than the
 * {@linkplain #suspicionTimeout() suspicion timeout} {@code = interval x misses}. A suspect is
 * <em>cleared</em> only after {@code clearAfter} consecutive beacons (no beacon missing between
 * them), so that a peer on a lossy link does not flap.
 *
 * <h2>Why these numbers</h2>
 *
 * <p>Goals: with 20 % independent random beacon loss, spurious suspicion of a live peer at most
 * about once per peer-year; a silently dead host suspected well under 0.8 s ({@link #DEFAULT})
 * or under 0.3 s ({@link #FAST}), since survivors still wait a little after that.
 *
 * <p>Let {@code p} be the loss probability and {@code k} the number of consecutive losses that
 * cause a suspicion. A run of {@code k} losses starts at a given beacon slot with probability
 * {@code (1-p) x p^k} (a received beacon, then {@code k} lost ones), so the expected number of
 * false suspicions per peer per day is {@code (86400 / interval) x p^k x (1-p)}. With a timeout of
 * exactly {@code misses} intervals, beacon number {@code misses} arriving a hair late already
 * crosses the timeout, so we count conservatively with {@code k = misses - 1}.
 *
 * <ul>
 *   <li>The suggested start, 100 ms x 6 misses (k = 5 even at best 6): 864,000 x 0.2^6 x 0.8 =
 *       44 per day. Far too many. At 100 ms, one per year needs k = 13: a 1.4 s timeout.
 *   <li>The timeout is {@code interval x (k + 1)} and k grows only with the logarithm of the
 *       number of slots, so shorter intervals give shorter timeouts for the same false rate.
 *   <li><b>DEFAULT</b>: 40 ms, 14 misses, timeout <b>560 ms</b>. k = 13: 2,160,000 slots/day x
 *       0.2^13 (8.19e-10) x 0.8 = 1.42e-3 per day = <b>0.52 per peer-year</b>. k = 12 would give
 *       2.6 per year. Cost: 25 datagrams/s per peer each way (~100 bytes on the wire each).
 *   <li><b>FAST</b>: 15 ms, 15 misses, timeout <b>225 ms</b>. k = 14: 5,760,000 slots/day x
 *       0.2^14 (1.64e-10) x 0.8 = 7.55e-4 per day = <b>0.28 per peer-year</b>. (20 ms would need
 *       15 misses too: 300 ms, at the limit; hence 15 ms.) Cost: 67 datagrams/s per peer each way.
 *   <li><b>FASTEST</b>: 5 ms, 16 misses, timeout <b>80 ms</b>. k = 15: 17,280,000 slots/day x
 *       0.2^15 (3.28e-11) x 0.8 = 4.53e-4 per day = <b>0.17 per peer-year</b>. Shorter beacons
 *       buy the short timeout: the same false rate at 10 ms needs 16 misses too (160 ms), and
 *       10 ms x 12 (120 ms) would give 52 per year. Cost: 200 datagrams/s per peer each way, and
 *       any stall of the JVM or the host longer than 80 ms (a long GC pause, a CPU-starved
 *       host) is a suspicion: only for quiet, well-provisioned hosts (bench/README.md has the
 *       measured CPU and GC pauses).
 *   <li>Clearing after 3 consecutive beacons: at 20 % loss a live peer delivers 3 in a row with
 *       probability 0.51 per try, so it clears within a few intervals; a peer losing most of its
 *       beacons stays suspect instead of flapping.
 * </ul>
 *
 * <p>The arithmetic assumes independent losses; bursts (a congested switch, a busy host) are
 * what the timeout is for, and a burst longer than the timeout is indistinguishable from death.
 *
 * @param name the configuration name ({@code default}, {@code fast}, {@code fastest} or a custom
 *     one)
 * @param interval time between two beacons to each peer (1 ms - 10 s)
 * @param misses suspicion timeout in intervals (2-1000)
 * @param clearAfter consecutive beacons that clear a suspect (1-100)
 */
public record FailureDetectionProfile(String name, Duration interval, int misses, int clearAfter) {
  /** 40 ms x 14 = 560 ms; about 0.5 false suspicions per peer-year at 20 % loss. */
  public static final FailureDetectionProfile DEFAULT =
      new FailureDetectionProfile("default", Duration.ofMillis(40), 14, 3);

  /** 15 ms x 15 = 225 ms; about 0.3 false suspicions per peer-year at 20 % loss. */
  public static final FailureDetectionProfile FAST =
      new FailureDetectionProfile("fast", Duration.ofMillis(15), 15, 3);

  /** 5 ms x 16 = 80 ms; about 0.2 false suspicions per peer-year at 20 % loss. */
  public static final FailureDetectionProfile FASTEST =
      new FailureDetectionProfile("fastest", Duration.ofMillis(5), 16, 3);

  /** The profiles a {@code cluster.failure-detection} value can name, by that name. */
  public static final List<FailureDetectionProfile> NAMED = List.of(DEFAULT, FAST, FASTEST);

  private static final double SECONDS_PER_DAY = 86_400;
  private static final double DAYS_PER_YEAR = 365;

  public FailureDetectionProfile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(interval, "interval");
    if (interval.compareTo(Duration.ofMillis(1)) < 0
        || interval.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new IllegalArgumentException(
          "invalid beacon interval: " + interval.toMillis() + "ms (expected: 1ms-10s)");
    }
    if (misses < 2 || misses > 1000) {
      throw new IllegalArgumentException("invalid misses: " + misses + " (expected: 2-1000)");
    }
    if (clearAfter < 1 || clearAfter > 100) {
      throw new IllegalArgumentException(
          "invalid clear-after: " + clearAfter + " (expected: 1-100)");
    }
  }

  /**
   * The profile for a {@code cluster.failure-detection} value.
   *
   * @throws IllegalArgumentException for anything but {@code default}, {@code fast} or {@code
   *     fastest} (in any case)
   */
  public static FailureDetectionProfile named(String name) {
    String key = name.toLowerCase(Locale.ROOT);
    for (FailureDetectionProfile p : NAMED) {
      if (p.name.equals(key)) {
        return p;
      }
    }
    throw new IllegalArgumentException("invalid failure-detection profile: " + name
        + " (expected: " + names(", ", " or ") + ")");
  }

  /** The names of {@link #NAMED}, e.g. {@code names(" | ", " | ")} = "default | fast | fastest". */
  public static String names(String separator, String last) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < NAMED.size(); i++) {
      if (i > 0) {
        b.append(i == NAMED.size() - 1 ? last : separator);
      }
      b.append(NAMED.get(i).name);
    }
    return b.toString();
  }

  /** Beacons this node sends each peer per second (and receives from it): {@code 1 / interval}. */
  public double beaconsPerSecondPerPeer() {
    return 1e9 / intervalNanos();
  }

  /** Silence after which a peer is suspected: {@code interval x misses}. */
  public Duration suspicionTimeout() {
    return interval.multipliedBy(misses);
  }

  public long intervalNanos() {
    return interval.toNanos();
  }

  public long suspicionTimeoutNanos() {
    return suspicionTimeout().toNanos();
  }

  /**
   * Expected false suspicions per peer per year under independent loss {@code p}, counted
   * conservatively (see the class comment): {@code 365 x (86400 / interval) x p^(misses-1) x
   * (1-p)}.
   */
  public double expectedFalseSuspicionsPerYear(double lossProbability) {
    if (!(lossProbability >= 0 && lossProbability < 1)) {
      throw new IllegalArgumentException(
          "invalid loss probability: " + lossProbability + " (expected: 0 <= p < 1)");
    }
    double slotsPerDay = SECONDS_PER_DAY * 1e9 / intervalNanos();
    return DAYS_PER_YEAR * slotsPerDay * Math.pow(lossProbability, misses - 1)
        * (1 - lossProbability);
  }
}
