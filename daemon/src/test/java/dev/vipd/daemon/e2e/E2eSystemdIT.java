package dev.vipd.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.daemon.systemd.DatagramReceiver;
import dev.vipd.testlab.Host;
import dev.vipd.testlab.NetnsLab;
import dev.vipd.testlab.Sh;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The real jar under a stand-in for systemd: one {@code vipd run} (a cluster of one) in a network
 * namespace with {@code NOTIFY_SOCKET} naming a datagram socket the test bound. It must say {@code
 * READY=1} once it has joined, {@code WATCHDOG=1} at half of {@code WATCHDOG_USEC} (and not at all
 * when {@code WATCHDOG_PID} names another process), {@code STOPPING=1} on SIGTERM, and exit 0; a
 * file that cannot run here exits 3 before anything starts, naming file, line and key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class E2eSystemdIT {
  /** 400 ms: pings every 200 ms, so a two-second window holds about ten. */
  private static final String WATCHDOG_USEC = "400000";
  /** Joining a cluster of one includes the JVM's start; generous for a loaded CI machine. */
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  /** Hand-over at stop is bounded by 10 s (VipdDaemon.LEAVE_TIMEOUT); exit follows. */
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

  private Path dir;
  private Path key;
  private Path looseKey;
  private Path jar;
  private NetnsLab lab;
  private Host h1;
  private Process vipd;

  @BeforeAll
  void lab() throws IOException {
    NetnsLab.assumeAvailable();
    jar = E2eLab.locateJar();
    dir = Files.createTempDirectory("vipd-e2e-sd-");
    key = dir.resolve("cluster.key");
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    Files.writeString(key, HexFormat.of().formatHex(bytes) + "\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    looseKey = dir.resolve("loose.key");
    Files.copy(key, looseKey);
    Files.setPosixFilePermissions(looseKey, PosixFilePermissions.fromString("rw-r--r--"));
    lab = NetnsLab.create(false);
    h1 = lab.host("h1", "02:00:00:00:01:01", "198.51.100.11/24", "2001:db8::11/64");
  }

  @AfterEach
  void stopVipd() {
    if (vipd != null && vipd.isAlive()) {
      vipd.destroy();
      if (!E2eLab.waitFor(vipd, EXIT_TIMEOUT)) {
        vipd.destroyForcibly();
        E2eLab.waitFor(vipd, Duration.ofSeconds(5));
      }
    }
    vipd = null;
  }

  @AfterAll
  void removeLab() throws IOException {
    try {
      if (lab != null) {
        lab.close();
      }
    } finally {
      if (dir != null) {
        keepLogs();
        try (Stream<Path> files = Files.walk(dir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  @Test
  void readyAfterJoiningThenWatchdogThenStoppingAndExitZero() throws Exception {
    String name = "watched";
    Path notify = dir.resolve(name + ".notify");
    try (DatagramReceiver systemd = new DatagramReceiver(notify.toString())) {
      vipd = start(name, key, "eth0", Map.of("NOTIFY_SOCKET", notify.toString(),
          "WATCHDOG_USEC", WATCHDOG_USEC));

      long t0 = System.nanoTime();
      String first = systemd.receive(READY_TIMEOUT.toMillis());
      long readyMillis = (System.nanoTime() - t0) / 1_000_000;
      Map<String, Object> status = status(socket(name));
      System.out.printf("E2E systemd: first notification %s after %d ms; status then: %s%n",
          first, readyMillis, status);
      assertThat(first).as(log(name)).isEqualTo("READY=1");
      // READY=1 means joined: the control socket answers at once and this node is a verified
      // member of its own cluster.
      assertThat(status).as("status right after READY=1").isNotNull();
      Map<String, Object> self = E2eLab.members(status).get("h1");
      assertThat(self).as("h1 in %s", status).isNotNull();
      assertThat(self).containsEntry("self", true).containsEntry("verified", true);
      List<String> window = receiveFor(systemd, Duration.ofSeconds(2));
      long pings = window.stream().filter("WATCHDOG=1"::equals).count();
      System.out.printf("E2E systemd: %d WATCHDOG=1 in 2 s (expected about 10): %s%n", pings,
          window);
      assertThat(window).as("only watchdog pings while running").containsOnly("WATCHDOG=1");
      // Half of 400 ms is 200 ms: about 10 in two seconds. Far more would mean the wrong unit.
      assertThat(pings).isBetween(2L, 20L);
      // After the window: the CLI's own JVM start would otherwise queue pings into it.
      Sh.Result cli = cli("status", "--socket", socket(name).toString());
      assertThat(cli.exitCode()).as(cli.output()).isZero();
      assertThat(cli.output()).contains("h1").contains("198.51.100.100");

      Sh.Result kill = Sh.exec(Duration.ofSeconds(5), "kill", "-TERM", Long.toString(vipd.pid()));
      assertThat(kill.exitCode()).as(kill.output()).isZero();
      List<String> untilStopping = systemd.receiveUntil("STOPPING=1", Duration.ofSeconds(15));
      System.out.printf("E2E systemd: after SIGTERM: %s%n", untilStopping);
      assertThat(untilStopping).as(log(name)).endsWith("STOPPING=1");
      assertThat(untilStopping).doesNotContain("READY=1");
      assertThat(E2eLab.waitFor(vipd, EXIT_TIMEOUT)).as("vipd exited after SIGTERM").isTrue();
      assertThat(vipd.exitValue()).as(log(name)).isZero();
      assertThat(socket(name)).as("control socket removed at exit").doesNotExist();
    }
  }

  @Test
  void noWatchdogWhenWatchdogPidNamesAnotherProcess() throws Exception {
    String name = "other-pid";
    Path notify = dir.resolve(name + ".notify");
    try (DatagramReceiver systemd = new DatagramReceiver(notify.toString())) {
      // PID 1 of the test's own PID namespace: certainly not the daemon.
      vipd = start(name, key, "eth0", Map.of("NOTIFY_SOCKET", notify.toString(),
          "WATCHDOG_USEC", WATCHDOG_USEC, "WATCHDOG_PID", "1"));

      assertThat(systemd.receive(READY_TIMEOUT.toMillis())).as(log(name)).isEqualTo("READY=1");
      List<String> window = receiveFor(systemd, Duration.ofSeconds(2));
      System.out.printf("E2E systemd: WATCHDOG_PID=1: in 2 s after READY=1: %s%n", window);
      assertThat(window).as("no WATCHDOG=1 for another process's watchdog").isEmpty();
      assertThat(log(name)).contains("WATCHDOG_PID=1 is not this process (" + vipd.pid() + ")");

      Sh.Result kill = Sh.exec(Duration.ofSeconds(5), "kill", "-TERM", Long.toString(vipd.pid()));
      assertThat(kill.exitCode()).as(kill.output()).isZero();
      assertThat(systemd.receiveUntil("STOPPING=1", Duration.ofSeconds(15)))
          .containsExactly("STOPPING=1");
      assertThat(E2eLab.waitFor(vipd, EXIT_TIMEOUT)).as("vipd exited after SIGTERM").isTrue();
      assertThat(vipd.exitValue()).as(log(name)).isZero();
    }
  }

  @Test
  void missingInterfaceExitsThreeBeforeStartingAnything() throws Exception {
    String name = "no-eth9";
    Path notify = dir.resolve(name + ".notify");
    try (DatagramReceiver systemd = new DatagramReceiver(notify.toString())) {
      Path file = writeConfig(name, key, "eth9");
      Path stderr = dir.resolve(name + ".stderr");
      vipd = start(name, key, "eth9", Map.of("NOTIFY_SOCKET", notify.toString()),
          stderr);
      assertThat(E2eLab.waitFor(vipd, Duration.ofSeconds(60))).as("vipd exits").isTrue();
      String err = Files.readString(stderr);
      System.out.printf("E2E systemd: run with pool on eth9: exit %d, stderr: %s%n",
          vipd.exitValue(), err.strip());
      assertThat(vipd.exitValue()).as(err + log(name)).isEqualTo(3);
      assertThat(err).contains(file + ":10: vipd.pools[0].interface: no such interface: eth9");
      assertThat(socket(name)).as("no control socket").doesNotExist();
      assertThat(dir.resolve(name + ".drained")).doesNotExist();
      assertThat(systemd.receive(200)).as("no READY=1 for a daemon that never ran").isNull();
      assertThat(h1.run("ss", "-Htlnu").output()).as("no listener").isBlank();
      assertThat(h1.run("ip", "route", "show", "table", "all").output())
          .doesNotContain("198.51.100.10");
    }
  }

  @Test
  void looseSecretFileExitsThreeNamingTheKey() throws Exception {
    String name = "loose-key";
    Path file = writeConfig(name, looseKey, "eth0");
    Path stderr = dir.resolve(name + ".stderr");
    vipd = start(name, looseKey, "eth0", Map.of(), stderr);
    assertThat(E2eLab.waitFor(vipd, Duration.ofSeconds(60))).as("vipd exits").isTrue();
    String err = Files.readString(stderr);
    System.out.printf("E2E systemd: run with a 0644 secret: exit %d, stderr: %s%n",
        vipd.exitValue(), err.strip());
    assertThat(vipd.exitValue()).as(err + log(name)).isEqualTo(3);
    assertThat(err).contains(file + ":7: vipd.cluster.secret-file: ");
    assertThat(socket(name)).as("no control socket").doesNotExist();
  }

  /** Line 7 is the secret file, line 10 the pool's interface (asserted above). */
  private String configText(String name, Path secret, String iface) {
    return String.join("\n",
        "vipd {",
        "  node { name = \"h1\" }",
        "  cluster {",
        "    name = \"sd\"",
        "    bind = \"198.51.100.11\"",
        "    peers = [\"198.51.100.11\"]",
        "    secret-file = \"" + secret + "\"",
        "  }",
        "  pools = [",
        "    { name = \"web\", interface = \"" + iface + "\","
            + " addresses = [\"198.51.100.100-198.51.100.101\"] }",
        "  ]",
        "  announce { garp-interval = 100ms }",
        "  http { listen = \"198.51.100.11:9476\" }",
        "  control-socket = \"" + socket(name) + "\"",
        "  drain-state-file = \"" + dir.resolve(name + ".drained") + "\"",
        "}",
        "");
  }

  private Path writeConfig(String name, Path secret, String iface) throws IOException {
    Path file = dir.resolve(name + ".conf");
    Files.writeString(file, configText(name, secret, iface));
    return file;
  }

  private Path socket(String name) {
    return dir.resolve(name + ".sock");
  }

  private Process start(String name, Path secret, String iface, Map<String, String> env)
      throws IOException {
    return start(name, secret, iface, env, null);
  }

  /**
   * Starts {@code vipd run} in h1's namespace with exactly the systemd variables in {@code env};
   * stdout (and stderr unless {@code stderr} is given) go to {@code NAME.log}.
   */
  private Process start(String name, Path secret, String iface, Map<String, String> env,
      Path stderr) throws IOException {
    Path file = writeConfig(name, secret, iface);
    Path log = dir.resolve(name + ".log");
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", h1.namespace(),
        E2eLab.java(), "-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar",
        jar.toString(), "run", "--config", file.toString()));
    // ip netns exec execs the command: the PID is the daemon's own, so signals reach it.
    ProcessBuilder pb = new ProcessBuilder(argv)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    if (stderr == null) {
      pb.redirectErrorStream(true);
    } else {
      pb.redirectError(stderr.toFile());
    }
    Map<String, String> environment = pb.environment();
    environment.keySet().removeAll(List.of("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"));
    environment.putAll(env);
    return pb.start();
  }

  private Sh.Result cli(String... args) {
    List<String> argv = new ArrayList<>(List.of(E2eLab.java(), "-XX:TieredStopAtLevel=1", "-jar",
        jar.toString()));
    argv.addAll(List.of(args));
    return Sh.exec(Duration.ofSeconds(40), argv.toArray(String[]::new));
  }

  private static Map<String, Object> status(Path socket) {
    try {
      Map<String, Object> reply = MiniJson.object(E2eLab.control(socket, "status"));
      if (!Boolean.TRUE.equals(reply.get("ok"))) {
        return null;
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> result = (Map<String, Object>) reply.get("result");
      return result;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** Every datagram that arrives within {@code window}. */
  private static List<String> receiveFor(DatagramReceiver socket, Duration window) throws IOException {
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


  private String log(String name) {
    try {
      return "\n--- " + name + ".log ---\n" + Files.readString(dir.resolve(name + ".log"));
    } catch (IOException e) {
      return "\n(no log for " + name + ")";
    }
  }

  private void keepLogs() {
    try {
      Path target = Path.of(System.getProperty("basedir", "."), "target", "e2e-logs", "systemd");
      Files.createDirectories(target);
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          String n = f.getFileName().toString();
          if (n.endsWith(".log") || n.endsWith(".conf") || n.endsWith(".stderr")) {
            Files.copy(f, target.resolve(n), StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
    } catch (IOException e) {
      System.err.println("could not keep the e2e logs: " + e);
    }
  }
}
