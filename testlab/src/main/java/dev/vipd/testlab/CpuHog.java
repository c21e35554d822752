package dev.vipd.testlab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Busy loops ({@code sh -c 'while :; do :; done'}) started inside lab hosts' namespaces, so that
 * the processes there wait for a CPU (scheduling delay, as on an overloaded host). Each loop is
 * stopped by its PID on {@link #close}, and at the latest when the lab closes.
 */
public final class CpuHog implements AutoCloseable {
  private final List<Process> loops = new ArrayList<>();

  private CpuHog() {}

  /** Starts {@code perHost} busy loops in each of {@code hosts}. */
  public static CpuHog start(Iterable<Host> hosts, int perHost) {
    if (perHost < 1 || perHost > 16) {
      throw new IllegalArgumentException("invalid loops per host: " + perHost
          + " (expected: 1-16)");
    }
    CpuHog hog = new CpuHog();
    for (Host h : hosts) {
      for (int i = 0; i < perHost; i++) {
        hog.loops.add(h.spawn("sh", "-c", "while :; do :; done"));
      }
    }
    return hog;
  }

  /** How many loops still run. */
  public int running() {
    int n = 0;
    for (Process p : loops) {
      if (p.isAlive()) {
        n++;
      }
    }
    return n;
  }

  @Override
  public void close() {
    for (Process p : loops) {
      p.destroyForcibly();
    }
    for (Process p : loops) {
      Processes.waitFor(p, Duration.ofSeconds(5));
    }
    loops.clear();
  }
}
