package dev.vipd.daemon.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vipd.daemon.binding.CommandException;
import dev.vipd.daemon.binding.CommandRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LinkWatcherTest {

  private static final String UP =
      "3: eth0@p0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group"
          + " default \\    link/ether 86:f2:ba:6d:5f:f2 brd ff:ff:ff:ff:ff:ff";
  private static final String PEER_DOWN =
      "3: eth0@p0: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 qdisc noqueue state"
          + " LOWERLAYERDOWN group default \\    link/ether 86:f2:ba:6d:5f:f2 brd ff:ff:ff:ff:ff:ff";
  private static final String NEW_MAC =
      "3: eth0@p0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group"
          + " default \\    link/ether 02:00:5e:00:53:01 brd ff:ff:ff:ff:ff:ff";
  private static final String DELETED =
      "Deleted 3: eth0@NONE: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default"
          + " \\    link/ether 02:00:5e:00:53:01 brd ff:ff:ff:ff:ff:ff";
  private static final String RECREATED_UP =
      "6: eth0@p0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group"
          + " default \\    link/ether 4e:c9:bd:ba:43:21 brd ff:ff:ff:ff:ff:ff";
  private static final String OTHER =
      "4: br0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UNKNOWN group"
          + " default \\    link/ether de:06:a1:48:fa:84 brd ff:ff:ff:ff:ff:ff";
  private static final String RENAMED =
      "3: uplink@p0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group"
          + " default \\    link/ether 86:f2:ba:6d:5f:f2 brd ff:ff:ff:ff:ff:ff";

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final FakeIp ip = new FakeIp();
  private final Events events = new Events();
  private LinkWatcher watcher;

  @AfterEach
  void stop() {
    if (watcher != null) {
      watcher.close();
    }
    scheduler.shutdownNow();
  }

  @Test
  void initialSnapshotIsSilentAndReadable() {
    ip.snapshot = UP + "\n" + OTHER + "\n";
    start();

    assertThat(watcher.current("eth0")).map(LinkState::index).contains(3);
    assertThat(watcher.current("br0")).isEmpty();
    assertThat(events.list).isEmpty();
  }

  @Test
  void reportsOnlyRealChanges() {
    ip.snapshot = UP + "\n";
    start();

    ip.emit(UP, OTHER, PEER_DOWN, PEER_DOWN, UP, NEW_MAC, NEW_MAC, DELETED);

    // The final deletion is a marker: once it is seen, every earlier line has been handled.
    await().atMost(Duration.ofSeconds(5)).until(() -> events.list.contains("removed eth0"));
    assertThat(events.list)
        .containsExactly(
            "carrier eth0 false",
            "carrier eth0 true",
            "mac eth0 02:00:5e:00:53:01",
            "removed eth0");
  }

  @Test
  void deleteAndReAddIsRemovedThenRecreatedWithTheNewIndex() {
    ip.snapshot = UP + "\n";
    start();

    ip.emit(DELETED, RECREATED_UP);

    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() >= 3);
    assertThat(events.list)
        .containsExactly("removed eth0", "recreated eth0 6", "mac eth0 4e:c9:bd:ba:43:21");
    assertThat(watcher.current("eth0")).map(LinkState::index).contains(6);
  }

  @Test
  void renameAwayCountsAsRemoval() {
    ip.snapshot = UP + "\n";
    start();

    ip.emit(RENAMED);

    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 1);
    assertThat(events.list).containsExactly("removed eth0");
  }

  @Test
  void deadMonitorIsRestartedAndTheNewSnapshotsDifferencesAreReported() {
    ip.snapshot = UP + "\n";
    start();

    // While no monitor runs, the peer goes down and the MAC changes.
    ip.snapshot = PEER_DOWN.replace("86:f2:ba:6d:5f:f2", "02:00:5e:00:53:01") + "\n";
    ip.endMonitor();

    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 2);
    assertThat(events.list).containsExactly("mac eth0 02:00:5e:00:53:01", "carrier eth0 false");
    assertThat(ip.monitorsStarted()).isEqualTo(2);
    assertThat(watcher.restarts()).isEqualTo(1);

    // The new monitor is read as well.
    ip.emit(NEW_MAC);
    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 3);
    assertThat(events.list.get(2)).isEqualTo("carrier eth0 true");
  }

  @Test
  void failedRestartsBackOffAndTryAgain() {
    ip.snapshot = UP + "\n";
    start();
    ip.failStarts = 2;

    ip.endMonitor();

    await().atMost(Duration.ofSeconds(5)).until(() -> ip.monitorsStarted() == 2);
    assertThat(ip.startAttempts()).isEqualTo(4);
    assertThat(events.list).isEmpty();
  }

  @Test
  void interfaceMissingFromTheRestartSnapshotIsRemoved() {
    ip.snapshot = UP + "\n";
    start();
    ip.snapshot = OTHER + "\n";

    ip.endMonitor();

    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 1);
    assertThat(events.list).containsExactly("removed eth0");
  }

  @Test
  void closeStopsTheMonitorAndStartTwiceIsRefused() {
    ip.snapshot = UP + "\n";
    start();

    assertThatThrownBy(() -> watcher.start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("cannot start a link watcher that is STARTED");
    watcher.close();

    assertThat(ip.lastMonitor().destroyed).isTrue();
    assertThat(ip.monitorsStarted()).isEqualTo(1);
  }

  private void start() {
    watcher =
        new LinkWatcher(
            ip, Set.of("eth0"), events, scheduler, Duration.ofMillis(10), Duration.ofMillis(40));
    watcher.start();
  }

  /** Listener that records events as short strings. */
  private static final class Events implements LinkListener {
    final List<String> list = Collections.synchronizedList(new ArrayList<>());

    int size() {
      return list.size();
    }

    @Override
    public void carrierChanged(String name, boolean up) {
      list.add("carrier " + name + " " + up);
    }

    @Override
    public void macChanged(String name, String newMac) {
      list.add("mac " + name + " " + newMac);
    }

    @Override
    public void recreated(String name, int newIndex) {
      list.add("recreated " + name + " " + newIndex);
    }

    @Override
    public void removed(String name) {
      list.add("removed " + name);
    }
  }

  /** {@code ip}: a settable snapshot and monitor processes fed through pipes. */
  private static final class FakeIp implements CommandRunner {
    volatile String snapshot = "";
    volatile int failStarts;
    private final List<FakeProcess> monitors = Collections.synchronizedList(new ArrayList<>());
    private int attempts;

    @Override
    public String run(String what, List<String> argv) {
      assertThat(argv).containsExactly("ip", "-o", "link", "show");
      return snapshot;
    }

    @Override
    public String run(String what, List<String> argv, String input) {
      throw new AssertionError("the link watcher feeds no input to ip: " + argv);
    }

    @Override
    public synchronized Process start(String what, List<String> argv) {
      assertThat(argv).containsExactly("ip", "-o", "monitor", "link");
      attempts++;
      if (failStarts > 0) {
        failStarts--;
        throw new CommandException(what + ": cannot start ip", argv, -1, "", null);
      }
      FakeProcess process = new FakeProcess();
      monitors.add(process);
      return process;
    }

    synchronized int startAttempts() {
      return attempts;
    }

    int monitorsStarted() {
      return monitors.size();
    }

    FakeProcess lastMonitor() {
      return monitors.get(monitors.size() - 1);
    }

    void emit(String... lines) {
      lastMonitor().write(String.join("\n", lines) + "\n");
    }

    void endMonitor() {
      lastMonitor().destroy();
    }
  }

  /** A process whose standard output is a pipe the test writes into; destroy closes it. */
  private static final class FakeProcess extends Process {
    private final PipedOutputStream feed = new PipedOutputStream();
    private final PipedInputStream out;
    volatile boolean destroyed;

    FakeProcess() {
      try {
        out = new PipedInputStream(feed, 1 << 16);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void write(String text) {
      try {
        feed.write(text.getBytes(StandardCharsets.UTF_8));
        feed.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public OutputStream getOutputStream() {
      return OutputStream.nullOutputStream();
    }

    @Override
    public InputStream getInputStream() {
      return out;
    }

    @Override
    public InputStream getErrorStream() {
      return InputStream.nullInputStream();
    }

    @Override
    public int waitFor() {
      return 0;
    }

    @Override
    public int exitValue() {
      return 0;
    }

    @Override
    public void destroy() {
      destroyed = true;
      try {
        feed.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
