package dev.vipd.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.daemon.e2e.E2eLab.Node;
import dev.vipd.daemon.systemd.DatagramReceiver;
import dev.vipd.testlab.Sh;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Liveness is real (issue 8): in a three-node lab, h3 runs under a watchdog ({@code
 * NOTIFY_SOCKET}, {@code WATCHDOG_USEC}) with the hidden test hook that can block its cluster
 * thread ({@code -Dvipd.debug.stall-cluster-seconds}, control command {@code
 * debug-stall-cluster}). A blocked cluster thread must stop {@code WATCHDOG=1} and turn {@code
 * /healthz} into a 503 that names it; once it runs again both recover.
 */
class E2eLivenessIT extends E2eLabTest {
  /** Pings every 200 ms while alive. */
  private static final String WATCHDOG_USEC = "400000";
  /** Longer than the stall bound (10 s) plus time to observe the silence. */
  private static final int STALL_SECONDS = 20;

  @Override
  String labName() {
    return "liveness";
  }

  @Test
  void aStalledClusterThreadStopsTheWatchdogAndTurnsHealthzTo503NamingIt() throws Exception {
    Node h3 = e2e.node("h3");
    Path notify = e2e.dir.resolve("h3.notify");
    try (DatagramReceiver systemd = new DatagramReceiver(notify.toString())) {
      restartWatched(h3, notify);
      assertThat(systemd.receiveUntil("READY=1", Duration.ofSeconds(60))).endsWith("READY=1");
      e2e.awaitConverged(Duration.ofSeconds(60));
      assertThat(healthz(h3)).isEqualTo("200 ok");
      assertThat(receiveFor(systemd, Duration.ofSeconds(2))).contains("WATCHDOG=1");

      String reply = E2eLab.control(h3.socket, "debug-stall-cluster");
      assertThat(reply).contains("\"ok\":true");
      long t0 = System.nanoTime();
      String[] seen = new String[1];
      e2e.awaitTrue("h3's /healthz naming the stalled cluster thread", Duration.ofSeconds(15),
          () -> (seen[0] = healthz(h3)).startsWith("503"));
      long detectedMs = (System.nanoTime() - t0) / 1_000_000;
      // Pings sent before the stall was detected wait in the socket: take them out first.
      List<String> queued = drainQueued(systemd, Duration.ofSeconds(2));
      List<String> whileStalled = receiveFor(systemd, Duration.ofSeconds(3));
      System.out.printf("E2E liveness: /healthz after %d ms: %s; %d queued notifications"
          + " dropped; in the next 3 s: %s%n", detectedMs, seen[0], queued.size(), whileStalled);
      assertThat(seen[0]).contains("stalled: cluster");
      assertThat(whileStalled).doesNotContain("WATCHDOG=1");

      // The hook blocks once: the thread runs again, and so do the heartbeat and the pings.
      e2e.awaitTrue("h3's /healthz ok again", Duration.ofSeconds(STALL_SECONDS + 15),
          () -> healthz(h3).equals("200 ok"));
      assertThat(receiveFor(systemd, Duration.ofSeconds(2))).contains("WATCHDOG=1");
    } finally {
      stop(h3); // the next start (restore) is an ordinary one, without the hook
    }
  }

  /** {@code CODE BODY} of h3's /healthz as the client sees it. */
  private String healthz(Node n) {
    Sh.Result r = e2e.client.exec("curl", "-s", "-m", "3", "-w", " %{http_code}",
        "http://" + n.address() + ":9476/healthz");
    String out = r.output().strip();
    int space = out.lastIndexOf(' ');
    return space < 0 ? out : out.substring(space + 1) + " " + out.substring(0, space).strip();
  }

  private void restartWatched(Node n, Path notify) throws IOException {
    stop(n);
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", n.host.namespace(),
        E2eLab.java(), "-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dvipd.debug.stall-cluster-seconds=" + STALL_SECONDS, "-jar",
        E2eLab.locateJar().toString(), "run", "--config", n.config.toString()));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(n.log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().keySet().removeAll(List.of("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"));
    pb.environment().put("NOTIFY_SOCKET", notify.toString());
    pb.environment().put("WATCHDOG_USEC", WATCHDOG_USEC);
    n.vipd = pb.start(); // ip netns exec execs: this PID is vipd's, the lab stops it by PID
  }

  private static void stop(Node n) {
    if (n.running()) {
      n.vipd.destroy();
      if (!E2eLab.waitFor(n.vipd, Duration.ofSeconds(30))) {
        n.vipd.destroyForcibly();
        E2eLab.waitFor(n.vipd, Duration.ofSeconds(5));
      }
    }
  }

  /** What is already queued: messages until a 50 ms gap, at most for {@code bound}. */
  private static List<String> drainQueued(DatagramReceiver socket, Duration bound)
      throws IOException {
    List<String> got = new ArrayList<>();
    long deadline = System.nanoTime() + bound.toNanos();
    String message;
    while (System.nanoTime() < deadline && (message = socket.receive(50)) != null) {
      got.add(message);
    }
    return got;
  }

  private static List<String> receiveFor(DatagramReceiver socket, Duration window)
      throws IOException {
    List<String> got = new ArrayList<>();
    long deadline = System.nanoTime() + window.toNanos();
    for (long left = window.toMillis(); left > 0;
        left = (deadline - System.nanoTime()) / 1_000_000) {
      String message = socket.receive(left);
      if (message != null) {
        got.add(message);
      }
    }
    return got;
  }

}
