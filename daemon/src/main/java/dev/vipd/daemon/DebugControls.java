package dev.vipd.daemon;

import dev.vipd.daemon.control.ControlHandler;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hidden control commands for tests, off unless the JVM is started with a system property that no
 * packaged unit or launcher sets; they appear in no help text.
 *
 * <ul>
 *   <li>{@code -Dvipd.debug.stall-cluster-seconds=N} adds {@code debug-stall-cluster}: the cluster
 *       thread blocks for N seconds (1-600) once, so that an end-to-end test can prove that a hung
 *       cluster thread turns {@code /healthz} to 503 naming it and stops {@code WATCHDOG=1}.
 * </ul>
 */
final class DebugControls {
  private static final Logger log = LoggerFactory.getLogger(DebugControls.class);
  static final String STALL_PROPERTY = "vipd.debug.stall-cluster-seconds";
  static final String STALL_COMMAND = "debug-stall-cluster";

  private DebugControls() {}

  /** The debug commands the system properties enable; usually none. */
  static Map<String, ControlHandler> enabled(OwnershipBridge bridge) {
    String seconds = System.getProperty(STALL_PROPERTY);
    if (seconds == null) {
      return Map.of();
    }
    long n;
    try {
      n = Long.parseLong(seconds.trim());
    } catch (NumberFormatException e) {
      n = -1;
    }
    if (n < 1 || n > 600) {
      throw new IllegalArgumentException("invalid " + STALL_PROPERTY + ": " + seconds
          + " (expected: 1-600)");
    }
    long nanos = TimeUnit.SECONDS.toNanos(n);
    log.warn("op=debug msg=\"debug control command {} enabled by -D{}\"", STALL_COMMAND,
        STALL_PROPERTY);
    return Map.of(STALL_COMMAND, () -> {
      bridge.stallClusterThreadOnce(nanos);
      return "{\"stalling\":\"cluster\",\"seconds\":" + (nanos / 1_000_000_000L) + "}";
    });
  }
}
