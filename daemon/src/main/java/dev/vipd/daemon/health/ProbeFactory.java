package dev.vipd.daemon.health;

/**
 * Makes the {@link Probe} for a check. {@link #standard(Unprivileged)} is the real one; the daemon
 * uses nothing else.
 */
@FunctionalInterface
public interface ProbeFactory {
  /** Bytes of an exec check's output kept for the log. */
  int EXEC_CAPTURE_LIMIT = 4096;

  /** The probe that runs {@code spec} once per call. */
  Probe create(HealthCheckSpec spec);

  /** TCP connect, HTTP GET and exec probes; exec commands are wrapped by {@code unprivileged}. */
  static ProbeFactory standard(Unprivileged unprivileged) {
    return spec -> {
      if (spec instanceof HealthCheckSpec.Tcp tcp) {
        return new TcpProbe(tcp);
      } else if (spec instanceof HealthCheckSpec.Http http) {
        return new HttpProbe(http);
      } else if (spec instanceof HealthCheckSpec.Exec exec) {
        return new ExecProbe(exec, unprivileged, EXEC_CAPTURE_LIMIT);
      }
      throw new IllegalArgumentException("unknown check type: " + spec);
    };
  }
}
