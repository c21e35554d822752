package dev.vipd.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vipd.daemon.binding.CommandRunner;
import dev.vipd.daemon.binding.NoBinding;
import dev.vipd.daemon.config.ConfigException;
import dev.vipd.daemon.config.ConfigLoader;
import dev.vipd.daemon.config.VipdConfig;
import dev.vipd.daemon.health.HealthMonitor;
import dev.vipd.daemon.health.ProbeFactory;
import dev.vipd.daemon.health.Unprivileged;
import dev.vipd.daemon.hooks.HookRunner;
import dev.vipd.daemon.metrics.VipdMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reload applies everything or nothing: a file refused at any step leaves every part as it was. */
class ReloaderTest {
  @TempDir Path dir;

  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final VipdMetrics metrics = new VipdMetrics("test");
  private final List<List<String>> ipCalls = new ArrayList<>();
  private HookRunner hooks;
  private HealthMonitor health;
  private DataPlane dataPlane;
  private RunningConfig running;
  private Reloader reloader;
  private VipdConfig initial;

  @BeforeEach
  void build() throws Exception {
    initial = ConfigLoader.load(write("initial.conf", config("svc", 5701, "lo", "")));
    running = new RunningConfig(initial);
    hooks = new HookRunner(initial.hooks(), Executors.newSingleThreadExecutor(),
        Unprivileged.passThrough(), metrics.registry());
    health = new HealthMonitor(scheduler, HealthMonitor.newProbeExecutor(1, 8),
        ProbeFactory.standard(Unprivileged.passThrough()), metrics.registry(), (c, up) -> {});
    health.start(List.copyOf(initial.healthChecks().values()));
    TakeoverTimer takeovers = new TakeoverTimer(metrics, System::currentTimeMillis);
    dataPlane = new DataPlane(initial.announce(), metrics.registry(), vip -> false, takeovers,
        new NoBinding(), vips -> {});
    OwnershipBridge bridge = new OwnershipBridge(dataPlane, metrics, hooks, takeovers, running);
    Eligibility eligibility = new Eligibility(initial.pools(), p -> {}, p -> {});
    LinkReactions links = new LinkReactions(dataPlane, () -> {}, recordingIp(), scheduler);
    reloader = new Reloader(running, dataPlane, hooks, health, eligibility, links, bridge,
        metrics, () -> null, () -> {});
  }

  @AfterEach
  void close() {
    dataPlane.close();
    health.close();
    hooks.close();
    scheduler.shutdownNow();
    metrics.close();
  }

  @Test
  void aRestartOnlyKeyRefusesTheWholeFileAndChangesNothing() throws Exception {
    // New health check, new hook, new port: the port is refused, so nothing else may apply.
    Path file = write("next.conf", config("svc2", 5801, "lo",
        "hooks.on-acquire = [\"/bin/true\"]"));

    assertThatThrownBy(() -> reloader.reload(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("vipd.cluster.port: cannot change without a restart");
    assertUnchanged();
    assertThat(ipCalls).isEmpty();
  }

  @Test
  void aPoolOnAnInterfaceThisHostLacksRefusesTheWholeFileAndChangesNothing() throws Exception {
    Path file = write("next.conf", config("svc2", 5701, "nosuch0", ""));

    assertThatThrownBy(() -> reloader.reload(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no such interface: nosuch0");
    assertUnchanged();
    assertThat(ipCalls).isEmpty(); // no link watcher was started for the new interface
  }

  @Test
  void aValidFileAppliesWholeAndClosesTheSocketsOfUnusedInterfaces() throws Exception {
    assumeTrue("0".equals(new String(new ProcessBuilder("id", "-u").start()
        .getInputStream().readAllBytes()).strip()), "skipped: raw sockets on lo need root");
    dataPlane.openAll(initial.interfaces());
    Path file = write("next.conf", config("svc2", 5701, "lo", ""));

    reloader.reload(file);

    assertThat(running.get().healthChecks()).containsOnlyKeys("svc2");
    assertThat(health.states()).containsOnlyKeys("svc2");
    assertThat(dataPlane.interfaces()).containsExactly("lo");
    assertThat(reloads("success")).isEqualTo(1.0);

    reloader.reload(write("none.conf", config("svc2", 5701, null, "")));
    assertThat(dataPlane.interfaces()).isEmpty();
    assertThat(ipCalls).contains(List.of("ip", "-o", "monitor", "link")); // watcher replaced
  }

  private void assertUnchanged() {
    assertThat(running.get()).isSameAs(initial);
    assertThat(health.states()).containsOnlyKeys("svc");
    assertThat(dataPlane.interfaces()).isEmpty();
    assertThat(reloads("failure")).isEqualTo(1.0);
    assertThat(reloads("success")).isZero();
  }

  private double reloads(String result) {
    return metrics.registry().get("vipd.config.reloads").tag("result", result).counter().count();
  }

  private CommandRunner recordingIp() {
    return new CommandRunner() {
      @Override
      public String run(String what, List<String> argv) {
        ipCalls.add(argv);
        return "";
      }

      @Override
      public String run(String what, List<String> argv, String input) {
        ipCalls.add(argv);
        return "";
      }

      @Override
      public Process start(String what, List<String> argv) {
        ipCalls.add(argv);
        try {
          return new ProcessBuilder("sleep", "30").start(); // a monitor that reports nothing
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    };
  }

  /** A node with one check and, unless {@code iface} is null, one pool with one VIP. */
  private String config(String check, int port, String iface, String extra) throws Exception {
    Path secret = dir.resolve("cluster.key");
    if (!Files.exists(secret)) {
      Files.writeString(secret, "0123456789abcdef0123456789abcdef\n");
      Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    }
    String pools = iface == null ? "[]" : "[{ name = web, interface = " + iface
        + ", addresses = [\"198.51.100.100\"], health-checks = [" + check + "] }]";
    return "vipd {\n  node.name = h1\n  cluster { bind = \"127.0.0.1\", port = " + port
        + ", secret-file = \"" + secret + "\" }\n  pools = " + pools + "\n"
        + "  health-checks { " + check + " { type = tcp, host = \"127.0.0.1\", port = 9 } }\n  "
        + extra + "\n}\n";
  }

  private Path write(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }
}
