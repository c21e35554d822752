package dev.vipd.daemon.health;

import dev.vipd.daemon.process.ChildProcess;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Passes when the check's command exits with status 0 within the timeout. It runs without vipd's
 * capabilities and with vipd's environment; at the timeout its process tree is killed.
 */
final class ExecProbe implements Probe {
  private final HealthCheckSpec.Exec spec;
  private final List<String> argv;
  private final int captureLimit;

  ExecProbe(HealthCheckSpec.Exec spec, Unprivileged unprivileged, int captureLimit) {
    this.spec = spec;
    this.argv = unprivileged.wrap(spec.argv());
    this.captureLimit = captureLimit;
  }

  @Override
  public ProbeResult run() throws InterruptedException {
    ChildProcess.Result result;
    try {
      result = ChildProcess.run(argv, Map.of(), spec.timing().timeout(), captureLimit);
    } catch (IOException e) {
      return ProbeResult.fail("starting " + spec.argv() + ": " + e.getMessage());
    }
    return new ProbeResult(result.succeeded(), result.describe());
  }
}
