package dev.vipd.daemon.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A named health check: what to probe and how often. A node is healthy for a check after
 * {@code rise} passes in a row and unhealthy after {@code fall} failures in a row.
 */
public sealed interface HealthCheckConfig {

  String name();

  Timing timing();

  default Duration interval() {
    return timing().interval();
  }

  default Duration timeout() {
    return timing().timeout();
  }

  default int rise() {
    return timing().rise();
  }

  default int fall() {
    return timing().fall();
  }

  /** Probe period, per-probe timeout (shorter than the period), and the rise/fall counts. */
  record Timing(Duration interval, Duration timeout, int rise, int fall) {
    public Timing {
      Objects.requireNonNull(interval, "interval");
      Objects.requireNonNull(timeout, "timeout");
    }
  }

  /** Passes when a TCP connection to {@code host:port} opens within the timeout. */
  record Tcp(String name, String host, int port, Timing timing) implements HealthCheckConfig {
    public Tcp {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(host, "host");
      Objects.requireNonNull(timing, "timing");
    }
  }

  /** Passes when a GET of {@code url} answers with a status in {@code [minStatus, maxStatus]}. */
  record Http(String name, String url, int minStatus, int maxStatus, Timing timing)
      implements HealthCheckConfig {
    public Http {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(url, "url");
      Objects.requireNonNull(timing, "timing");
    }
  }

  /** Passes when {@code command} (an argv list, no shell) exits 0 within the timeout. */
  record Exec(String name, List<String> command, Timing timing) implements HealthCheckConfig {
    public Exec {
      Objects.requireNonNull(name, "name");
      command = List.copyOf(command);
      Objects.requireNonNull(timing, "timing");
    }
  }
}
