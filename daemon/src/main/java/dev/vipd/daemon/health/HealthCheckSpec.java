package dev.vipd.daemon.health;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One configured health check: what to probe ({@link Tcp}, {@link Http} or {@link Exec}) and how
 * often ({@link Timing}). Immutable and validated on construction, so a spec that exists can be
 * run. Two specs are the same check if they are {@code equals}; a config reload compares them that
 * way to decide whether a running check keeps its state.
 */
public sealed interface HealthCheckSpec
    permits HealthCheckSpec.Tcp, HealthCheckSpec.Http, HealthCheckSpec.Exec {

  /** The check's name: its key in the config, the {@code check} tag and log field. */
  String name();

  /** How often the check runs and how results become a state. */
  Timing timing();

  /**
   * When a check runs and how its results become UP or DOWN.
   *
   * @param interval time between the starts of two probes
   * @param timeout how long one probe may take before it counts as a failure; less than interval,
   *     so that at most one probe of a check is normally running
   * @param rise consecutive passes that turn a DOWN check UP
   * @param fall consecutive failures that turn an UP check DOWN
   */
  record Timing(Duration interval, Duration timeout, int rise, int fall) {
    /** Shortest interval: faster probing only adds load, failover takes rounds anyway. */
    static final Duration MIN_INTERVAL = Duration.ofMillis(10);

    /** Longest interval: a check slower than this cannot protect a VIP meaningfully. */
    static final Duration MAX_INTERVAL = Duration.ofHours(1);

    /** Most consecutive results needed: more would only hide a real failure for longer. */
    static final int MAX_COUNT = 100;

    /** Validates every field. */
    public Timing {
      Objects.requireNonNull(interval, "interval");
      Objects.requireNonNull(timeout, "timeout");
      if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
        throw new IllegalArgumentException(
            "invalid interval: "
                + interval.toMillis()
                + "ms (expected: "
                + MIN_INTERVAL.toMillis()
                + "ms-"
                + MAX_INTERVAL.toMillis()
                + "ms)");
      }
      if (timeout.toMillis() < 1 || timeout.compareTo(interval) >= 0) {
        throw new IllegalArgumentException(
            "invalid timeout: "
                + timeout.toMillis()
                + "ms (expected: 1ms-"
                + (interval.toMillis() - 1)
                + "ms, less than the interval)");
      }
      checkCount("rise", rise);
      checkCount("fall", fall);
    }

    private static void checkCount(String what, int value) {
      if (value < 1 || value > MAX_COUNT) {
        throw new IllegalArgumentException(
            "invalid " + what + ": " + value + " (expected: 1-" + MAX_COUNT + ")");
      }
    }
  }

  /** Passes when a TCP connection to {@code host:port} is established within the timeout. */
  record Tcp(String name, String host, int port, Timing timing) implements HealthCheckSpec {
    /** Validates every field. */
    public Tcp {
      checkName(name);
      Objects.requireNonNull(timing, "timing");
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException(
            "invalid host: \"" + host + "\" (expected: a name or address)");
      }
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("invalid port: " + port + " (expected: 1-65535)");
      }
    }
  }

  /**
   * Passes when a GET of {@code url} answers, within the timeout, a status in {@code
   * expectMin-expectMax}. Redirects are not followed: a 3xx is judged by its own status.
   */
  record Http(String name, URI url, int expectMin, int expectMax, Timing timing)
      implements HealthCheckSpec {
    /** Validates every field. */
    public Http {
      checkName(name);
      Objects.requireNonNull(timing, "timing");
      Objects.requireNonNull(url, "url");
      String scheme = url.getScheme();
      if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)
          || url.getHost() == null) {
        throw new IllegalArgumentException(
            "invalid url: " + url + " (expected: http:// or https:// with a host)");
      }
      if (expectMin < 100 || expectMin > 599) {
        throw new IllegalArgumentException(
            "invalid expectMin: " + expectMin + " (expected: 100-599)");
      }
      if (expectMax < expectMin || expectMax > 599) {
        throw new IllegalArgumentException(
            "invalid expectMax: " + expectMax + " (expected: " + expectMin + "-599)");
      }
    }

    /** A check that expects a 2xx or 3xx status. */
    public Http(String name, URI url, Timing timing) {
      this(name, url, 200, 399, timing);
    }
  }

  /**
   * Passes when {@code argv} exits with status 0 within the timeout. The command runs without
   * vipd's capabilities (see {@link Unprivileged}); its output is kept only for the log.
   */
  record Exec(String name, List<String> argv, Timing timing) implements HealthCheckSpec {
    /** Validates every field and copies {@code argv}. */
    public Exec {
      checkName(name);
      Objects.requireNonNull(timing, "timing");
      argv = checkArgv(argv);
    }
  }

  /** Names are used as metric tags and log fields, so they stay plain. */
  private static void checkName(String name) {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
      throw new IllegalArgumentException(
          "invalid check name: \"" + name + "\" (expected: 1-64 letters, digits, '.', '_', '-')");
    }
  }

  /**
   * Validates and copies a command line: not empty, no null or empty program.
   *
   * @throws IllegalArgumentException when {@code argv} cannot be run
   */
  private static List<String> checkArgv(List<String> argv) {
    if (argv == null || argv.isEmpty() || argv.get(0) == null || argv.get(0).isBlank()) {
      throw new IllegalArgumentException(
          "invalid argv: " + argv + " (expected: a program and its arguments)");
    }
    if (argv.stream().anyMatch(Objects::isNull)) {
      throw new IllegalArgumentException("invalid argv: " + argv + " (expected: no null argument)");
    }
    return List.copyOf(argv);
  }
}
