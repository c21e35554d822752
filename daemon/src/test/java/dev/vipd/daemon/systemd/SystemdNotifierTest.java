package dev.vipd.daemon.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemdNotifierTest {
  private static final long PID = 4242;

  @TempDir Path dir;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  @Test
  void notificationsReachAPathSocket() throws Exception {
    String path = dir.resolve("notify").toString();
    try (DatagramReceiver systemd = new DatagramReceiver(path);
        SystemdNotifier notifier = SystemdNotifier.create(Map.of("NOTIFY_SOCKET", path), PID)) {
      assertThat(notifier.enabled()).isTrue();
      assertThat(notifier.ready()).isTrue();
      assertThat(notifier.status("serving 3 VIPs\nof 4")).isTrue();
      assertThat(notifier.stopping()).isTrue();

      assertThat(systemd.receive(2000)).isEqualTo("READY=1");
      assertThat(systemd.receive(2000)).isEqualTo("STATUS=serving 3 VIPs of 4");
      assertThat(systemd.receive(2000)).isEqualTo("STOPPING=1");
    }
  }

  @Test
  void notificationsReachAnAbstractSocket() throws Exception {
    String name = "@vipd-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
    try (DatagramReceiver systemd = new DatagramReceiver(name);
        SystemdNotifier notifier = SystemdNotifier.create(Map.of("NOTIFY_SOCKET", name), PID)) {
      assertThat(notifier.ready()).isTrue();
      assertThat(notifier.watchdog()).isTrue();

      assertThat(systemd.receive(2000)).isEqualTo("READY=1");
      assertThat(systemd.receive(2000)).isEqualTo("WATCHDOG=1");
    }
  }

  @Test
  void withoutNotifySocketEverythingIsANoOp() {
    SystemdNotifier notifier = SystemdNotifier.create(Map.of("WATCHDOG_USEC", "1000000"), PID);

    assertThat(notifier.enabled()).isFalse();
    assertThat(notifier.ready()).isFalse();
    assertThat(notifier.watchdogInterval()).isEmpty();
    assertThat(notifier.startWatchdog(scheduler, () -> true)).isEmpty();
  }

  @Test
  void unreachableSocketIsAFailedSendNotAnException() {
    String path = dir.resolve("nobody-listens").toString();
    try (SystemdNotifier notifier = SystemdNotifier.create(Map.of("NOTIFY_SOCKET", path), PID)) {
      assertThat(notifier.ready()).isFalse();
      assertThat(notifier.ready()).isFalse();
    }
  }

  @Test
  void invalidNotifySocketIsRejectedWithContext() {
    assertThatThrownBy(() -> SystemdNotifier.create(Map.of("NOTIFY_SOCKET", "vsock:2:999"), PID))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "invalid NOTIFY_SOCKET: invalid AF_UNIX address: 'vsock:2:999'"
                + " (expected: an absolute path or @name)");
    assertThatThrownBy(
            () -> SystemdNotifier.create(Map.of("NOTIFY_SOCKET", "/" + "x".repeat(110)), PID))
        .hasMessageEndingWith("(expected: 1-107 bytes after the prefix)");
  }

  @Test
  void watchdogIntervalIsHalfOfWatchdogUsecForThisPid() {
    Map<String, String> env =
        Map.of("NOTIFY_SOCKET", "@x", "WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "4242");

    assertThat(SystemdNotifier.create(env, PID).watchdogInterval())
        .contains(Duration.ofSeconds(15));
    assertThat(SystemdNotifier.create(env, 999).watchdogInterval()).isEmpty();
    assertThat(
            SystemdNotifier.create(Map.of("NOTIFY_SOCKET", "@x", "WATCHDOG_USEC", "3000000"), PID)
                .watchdogInterval())
        .contains(Duration.ofMillis(1500));
    assertThat(
            SystemdNotifier.create(Map.of("NOTIFY_SOCKET", "@x", "WATCHDOG_USEC", "soon"), PID)
                .watchdogInterval())
        .isEmpty();
  }

  @Test
  void watchdogPingsOnlyWhileAlive() throws Exception {
    String path = dir.resolve("notify").toString();
    AtomicBoolean alive = new AtomicBoolean(true);
    Map<String, String> env =
        Map.of("NOTIFY_SOCKET", path, "WATCHDOG_USEC", "100000", "WATCHDOG_PID", "" + PID);
    try (DatagramReceiver systemd = new DatagramReceiver(path);
        SystemdNotifier notifier = SystemdNotifier.create(env, PID)) {
      Optional<ScheduledFuture<?>> task = notifier.startWatchdog(scheduler, alive::get);
      assertThat(task).isPresent();

      assertThat(systemd.receive(2000)).isEqualTo("WATCHDOG=1");
      assertThat(systemd.receive(2000)).isEqualTo("WATCHDOG=1");

      alive.set(false);
      // Drain what was sent before the flip (one period may be in flight), then expect silence;
      // a watchdog that kept pinging would fill all passes and fail the assertion.
      for (int i = 0; i < 3 && systemd.receive(200) != null; i++) {
        continue;
      }
      assertThat(systemd.receive(300)).isNull();

      alive.set(true);
      assertThat(systemd.receive(2000)).isEqualTo("WATCHDOG=1");
      task.get().cancel(false);
    }
  }
}
