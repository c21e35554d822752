package dev.vipd.daemon.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.vipd.daemon.config.ConfigException;
import dev.vipd.daemon.config.ConfigLoader;
import dev.vipd.daemon.config.ConfigProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of broken configuration files beyond the e2e set: wrong types, values out of range,
 * duplicates, unicode, a 10 MB file, symlinks. Each is refused as a whole by the loader {@code vipd
 * run}, {@code check-config} and a reload all use, with the file, the line and the key path.
 */
class ConfigCorpusTest {
  @TempDir Path dir;

  /** A valid file; every case changes one line of it (the one holding the marker text). */
  static String good(Path dir) {
    return String.join("\n",
        "vipd {",
        "  node { name = \"h1\", labels { rack = \"r1\" } }",
        "  cluster {",
        "    name = \"corpus\"",
        "    bind = \"198.51.100.11\"",
        "    port = 5701",
        "    peers = [\"198.51.100.12\"]",
        "    secret-file = \"" + dir.resolve("cluster.key") + "\"",
        "    expected-size = 0",
        "  }",
        "  pools = [",
        "    { name = \"web\", interface = \"eth0\", addresses = [\"198.51.100.100-198.51.100.103\"],"
            + " health-checks = [\"svc\"] }",
        "    { name = \"db\", interface = \"eth0\", addresses = [\"198.51.100.110\"] }",
        "  ]",
        "  health-checks {",
        "    svc { type = tcp, host = \"127.0.0.1\", port = 8080, interval = 200ms,"
            + " timeout = 100ms, rise = 2 }",
        "  }",
        "  announce { garp-count = 3, garp-interval = 100ms, refresh-interval = 30s }",
        "  control-socket = \"" + dir.resolve("h1.sock") + "\"",
        "}",
        "");
  }

  /** name, text replaced, replacement, the key path the refusal must name. */
  static Stream<Arguments> cases() {
    return Stream.of(
        // wrong types
        Arguments.of("port as text", "port = 5701", "port = \"fifty\"", "vipd.cluster.port"),
        Arguments.of("peers as one string", "peers = [\"198.51.100.12\"]",
            "peers = \"198.51.100.12\"", "vipd.cluster.peers"),
        Arguments.of("health-checks of a pool as an object", "health-checks = [\"svc\"] }",
            "health-checks = { svc = 1 } }", "vipd.pools[0].health-checks"),
        Arguments.of("garp-count fractional", "garp-count = 3", "garp-count = 1.5",
            "vipd.announce.garp-count"),
        Arguments.of("labels as a list", "labels { rack = \"r1\" }", "labels = [1, 2]",
            "vipd.node.labels"),
        Arguments.of("addresses as a number", "addresses = [\"198.51.100.110\"]",
            "addresses = 42", "vipd.pools[1].addresses"),
        Arguments.of("health check as a string", "svc { type = tcp,", "svc = \"tcp\"\n x { type"
            + " = tcp,", "vipd.health-checks.svc"),
        // out of range
        Arguments.of("garp-count 0", "garp-count = 3", "garp-count = 0",
            "vipd.announce.garp-count"),
        Arguments.of("garp-count 101", "garp-count = 3", "garp-count = 101",
            "vipd.announce.garp-count"),
        Arguments.of("port 0", "port = 5701", "port = 0", "vipd.cluster.port"),
        Arguments.of("negative interval", "interval = 200ms", "interval = -1s",
            "vipd.health-checks.svc.interval"),
        Arguments.of("refresh over an hour", "refresh-interval = 30s", "refresh-interval = 2h",
            "vipd.announce.refresh-interval"),
        Arguments.of("negative expected-size", "expected-size = 0", "expected-size = -1",
            "vipd.cluster.expected-size"),
        Arguments.of("rise 0", "rise = 2", "rise = 0", "vipd.health-checks.svc.rise"),
        Arguments.of("huge number", "port = 5701", "port = 99999999999999999999",
            "vipd.cluster.port"),
        // duplicates
        Arguments.of("duplicate VIP in one pool", "[\"198.51.100.110\"]",
            "[\"198.51.100.110\", \"198.51.100.110\"]", "vipd.pools[1].addresses[1]"),
        Arguments.of("overlapping range", "[\"198.51.100.110\"]", "[\"198.51.100.102-198.51.100"
            + ".105\"]", "vipd.pools[1].addresses[0]"),
        Arguments.of("same VIP in two spellings", "[\"198.51.100.110\"]",
            "[\"2001:db8::1\", \"2001:0db8:0:0::0001\"]", "vipd.pools[1].addresses[1]"),
        Arguments.of("duplicate pool name", "{ name = \"db\", interface",
            "{ name = \"web\", interface", "vipd.pools[1].name"),
        Arguments.of("duplicate peer in two spellings", "peers = [\"198.51.100.12\"]",
            "peers = [\"2001:db8::12\", \"2001:0db8::0:12\"]", "vipd.cluster.peers[1]"),
        // unicode
        Arguments.of("unicode node name", "name = \"h1\"", "name = \"h\u00fc1\"",
            "vipd.node.name"),
        Arguments.of("unicode key", "garp-count = 3", "garp-c\u00f6unt = 3",
            "vipd.announce.garp-c\u00f6unt"),
        Arguments.of("fullwidth digits", "[\"198.51.100.110\"]", "[\"\uff11\uff19\uff18.51.100"
            + ".110\"]", "vipd.pools[1].addresses[0]"),
        Arguments.of("emoji interface", "interface = \"eth0\", addresses = [\"198.51.100.110\"]",
            "interface = \"eth\ud83d\udd25\", addresses = [\"198.51.100.110\"]",
            "vipd.pools[1].interface"),
        Arguments.of("right-to-left override in a name", "{ name = \"db\"",
            "{ name = \"d\u202eb\"", "vipd.pools[1].name"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refusedWholeWithFileLineAndKey(String name, String from, String to, String keyPath)
      throws IOException {
    secret();
    String text = good(dir);
    assertThat(text).contains(from);
    String broken = text.replace(from, to);
    int line = lineOf(text, from);
    Path file = dir.resolve("case.conf");
    Files.writeString(file, broken);
    ConfigException e = refused(file);
    System.out.printf("CONFIG %s: %s%n", name, e.getMessage().replace("\n", " | "));
    assertThat(e.getMessage()).contains(file + ":" + line + ": " + keyPath);
  }

  @Test
  void theGoodFileLoads() throws Exception {
    secret();
    Path file = dir.resolve("good.conf");
    Files.writeString(file, good(dir));
    assertThat(ConfigLoader.load(file, () -> "x").pools()).hasSize(2);
  }

  @Test
  void aTenMegabyteFileIsRefusedWithTheLineOfItsBadKeyQuickly() throws Exception {
    secret();
    StringBuilder big = new StringBuilder(good(dir));
    String filler = "# " + "x".repeat(1000) + "\n";
    while (big.length() < 10 * 1024 * 1024) {
      big.append(filler);
    }
    int line = (int) big.chars().filter(c -> c == '\n').count() + 1;
    big.append("vipd.announce.garp-intervall = 100ms\n");
    Path file = dir.resolve("big.conf");
    Files.writeString(file, big);
    long t0 = System.nanoTime();
    ConfigException e = refused(file);
    long millis = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("CONFIG 10 MB file (%d lines): refused in %d ms: %s%n", line,
        millis, e.getMessage());
    assertThat(e.getMessage()).contains(file + ":" + line + ": vipd.announce.garp-intervall");
    assertThat(millis).isLessThan(20_000);
  }

  @Test
  void aSymlinkLoopIsRefusedNamingTheFile() throws Exception {
    Path a = dir.resolve("a.conf");
    Path b = dir.resolve("b.conf");
    Files.createSymbolicLink(a, b);
    Files.createSymbolicLink(b, a);
    ConfigException e = refused(a);
    System.out.println("CONFIG symlink loop: " + e.getMessage());
    assertThat(e.problems()).hasSize(1);
    assertThat(e.getMessage()).contains(a.toString());
  }

  @Test
  void aSecretFileThatIsASymlinkLoopIsRefusedWithItsLineAndKey() throws Exception {
    Path loop = dir.resolve("cluster.key");
    Files.createSymbolicLink(loop, loop);
    Path file = dir.resolve("loop-secret.conf");
    Files.writeString(file, good(dir));
    ConfigException e = refused(file);
    System.out.println("CONFIG secret symlink loop: " + e.getMessage());
    assertThat(e.getMessage()).contains(file + ":8: vipd.cluster.secret-file");
  }

  @Test
  void everyProblemOfAFileIsReportedAtOnce() throws Exception {
    secret();
    String broken = good(dir).replace("port = 5701", "port = 0")
        .replace("garp-count = 3", "garp-count = 0")
        .replace("name = \"h1\"", "name = \"h\u00fc1\"");
    Path file = dir.resolve("many.conf");
    Files.writeString(file, broken);
    ConfigException e = refused(file);
    assertThat(e.problems()).extracting(ConfigProblem::keyPath)
        .contains("vipd.cluster.port", "vipd.announce.garp-count", "vipd.node.name");
  }

  private static ConfigException refused(Path file) {
    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ConfigLoader.load(file, () -> "testhost"));
    assertThat(e).as(file + " must be refused").isNotNull();
    return e;
  }

  private void secret() throws IOException {
    Path key = dir.resolve("cluster.key");
    if (!Files.exists(key)) {
      Files.writeString(key, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n");
      Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    }
  }

  static int lineOf(String text, String needle) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(needle)) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException(needle + " not in the text");
  }
}
