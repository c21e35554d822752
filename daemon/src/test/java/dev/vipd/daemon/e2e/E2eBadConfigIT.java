package dev.vipd.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.testlab.Host;
import dev.vipd.testlab.NetnsLab;
import dev.vipd.testlab.Sh;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broken configuration files against the real jar: {@code vipd check-config} refuses each with
 * exit code 3 and a message naming the file, the line and the key, and {@code vipd run} with a
 * broken file exits 3 before starting anything (no socket, no route, no listener).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class E2eBadConfigIT {
  private Path dir;
  private Path key;
  private Path looseKey;
  private Path jar;

  @BeforeAll
  void files() throws IOException {
    NetnsLab.assumeAvailable();
    jar = E2eLab.locateJar();
    dir = Files.createTempDirectory("vipd-e2e-bad-");
    key = dir.resolve("cluster.key");
    Files.writeString(key, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    looseKey = dir.resolve("loose.key");
    Files.copy(key, looseKey);
    Files.setPosixFilePermissions(looseKey, PosixFilePermissions.fromString("rw-r--r--"));
  }

  @AfterAll
  void removeFiles() throws IOException {
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** A valid single-node file; the cases below break one line of it. */
  private String good() {
    return String.join("\n",
        "vipd {",
        "  node { name = \"h1\" }",
        "  cluster {",
        "    name = \"e2e\"",
        "    bind = \"198.51.100.11\"",
        "    peers = []",
        "    secret-file = \"" + key + "\"",
        "  }",
        "  pools = [",
        "    { name = \"web\", interface = \"eth0\", addresses = [\"198.51.100.100-198.51.100.103\"],"
            + " health-checks = [\"svc\"] }",
        "    { name = \"db\", interface = \"eth0\", addresses = [\"198.51.100.110\"] }",
        "  ]",
        "  health-checks {",
        "    svc { type = tcp, host = \"127.0.0.1\", port = 8080, interval = 200ms,"
            + " timeout = 100ms }",
        "  }",
        "  announce { garp-interval = 100ms }",
        "  http { listen = \"198.51.100.11:9476\" }",
        "  control-socket = \"" + dir.resolve("h1.sock") + "\"",
        "  drain-state-file = \"" + dir.resolve("h1.drained") + "\"",
        "}",
        "");
  }

  static Stream<Arguments> brokenFiles() {
    return Stream.of(
        Arguments.of("typo key", "garp-interval =", "garp-intervall =", 16,
            "vipd.announce.garp-intervall"),
        Arguments.of("bad address", "198.51.100.100-198.51.100.103", "198.51.100.300", 10,
            "vipd.pools[0].addresses[0]"),
        Arguments.of("reversed range", "198.51.100.100-198.51.100.103",
            "198.51.100.103-198.51.100.100", 10, "vipd.pools[0].addresses[0]"),
        Arguments.of("duplicate VIP", "\"198.51.100.110\"", "\"198.51.100.102\"", 11,
            "vipd.pools[1].addresses[0]"),
        Arguments.of("unknown health check", "[\"svc\"]", "[\"nope\"]", 10,
            "vipd.pools[0].health-checks[0]"),
        Arguments.of("secret mode 0644", "cluster.key", "loose.key", 7,
            "vipd.cluster.secret-file"),
        Arguments.of("missing secret file", "cluster.key", "missing.key", 7,
            "vipd.cluster.secret-file"),
        Arguments.of("bad duration", "interval = 200ms", "interval = 2 parsecs", 14,
            "vipd.health-checks.svc.interval"),
        Arguments.of("port out of range", "port = 8080", "port = 70000", 14,
            "vipd.health-checks.svc.port"),
        Arguments.of("peer name", "peers = []", "peers = [\"h2.example\"]", 6,
            "vipd.cluster.peers[0]"));
  }

  @Test
  void theGoodFileIsAccepted() throws IOException {
    Path file = dir.resolve("good.conf");
    Files.writeString(file, good());
    Sh.Result r = vipd("check-config", file.toString());
    assertThat(r.exitCode()).as(r.output()).isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenFiles")
  void checkConfigRefusesWithFileLineAndKey(String name, String from, String to, int line,
      String keyPath) throws IOException {
    Path file = write(name, from, to);
    Sh.Result r = vipd("check-config", file.toString());
    System.out.printf("E2E check-config %s: exit %d: %s%n", name, r.exitCode(), r.output().strip());
    assertThat(r.exitCode()).as(r.output()).isEqualTo(3);
    assertThat(r.output()).contains(file + ":" + line + ": " + keyPath + ": ");
  }

  @Test
  void runWithABrokenFileExitsThreeWithoutStartingAnything() throws IOException {
    Path file = write("run typo", "garp-interval =", "garp-intervall =");
    try (NetnsLab lab = NetnsLab.create(false)) {
      Host h1 = lab.host("h1", "02:00:00:00:01:01", "198.51.100.11/24", "2001:db8::11/64");
      long t0 = System.nanoTime();
      Sh.Result r = h1.exec(E2eLab.java(), "-XX:TieredStopAtLevel=1", "-jar", jar.toString(),
          "run", "--config", file.toString());
      System.out.printf("E2E run with a broken file: exit %d after %d ms: %s%n", r.exitCode(),
          (System.nanoTime() - t0) / 1_000_000, r.output().strip());
      assertThat(r.exitCode()).as(r.output()).isEqualTo(3);
      assertThat(r.output()).contains(file + ":16: vipd.announce.garp-intervall");
      assertThat(dir.resolve("h1.sock")).doesNotExist();
      assertThat(dir.resolve("h1.drained")).doesNotExist();
      assertThat(h1.run("ip", "route", "show", "table", "all").output())
          .doesNotContain("198.51.100.10");
      assertThat(h1.run("ss", "-Htlnu").output()).isBlank();
    }
  }

  private Path write(String name, String from, String to) throws IOException {
    String text = good();
    assertThat(text).contains(from);
    Path file = dir.resolve(name.replace(' ', '-') + ".conf");
    Files.writeString(file, text.replace(from, to));
    return file;
  }

  private Sh.Result vipd(String... args) {
    List<String> argv = new java.util.ArrayList<>(
        List.of(E2eLab.java(), "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
    argv.addAll(List.of(args));
    return Sh.exec(Duration.ofSeconds(60), argv.toArray(String[]::new));
  }
}
