package dev.vipd.daemon.health;

/**
 * Runs one check once. A probe may block up to its check's timeout (connect, request, child
 * process), so {@link HealthMonitor} runs it on its probe executor, never on the scheduler. It
 * should return a failing {@link ProbeResult} rather than throw; an exception counts as a failure
 * too. When interrupted it should give up promptly and release what it holds (kill its child).
 */
@FunctionalInterface
public interface Probe {
  /** Runs the check once. */
  ProbeResult run() throws Exception;
}
