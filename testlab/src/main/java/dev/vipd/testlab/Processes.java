package dev.vipd.testlab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Lab processes: stopped, signalled and waited for by PID, never by name. */
public final class Processes {
  private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(5);

  private Processes() {}

  /** SIGTERM, then SIGKILL if {@code p} has not exited within {@code grace}. */
  public static void stop(ProcessHandle p, Duration grace) {
    p.destroy();
    try {
      p.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      p.destroyForcibly();
    }
  }

  /** Sends {@code signal} (a name: {@code STOP}, {@code CONT}, {@code HUP}, ...) to {@code pid}. */
  public static void signal(long pid, String signal) {
    Sh.run(SIGNAL_TIMEOUT, "kill", "-" + signal, Long.toString(pid));
  }

  /** Waits for {@code p} to end; true if it did within {@code timeout}. */
  public static boolean waitFor(Process p, Duration timeout) {
    try {
      return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The {@code java} binary of the running JVM, for child JVMs started in namespaces. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
