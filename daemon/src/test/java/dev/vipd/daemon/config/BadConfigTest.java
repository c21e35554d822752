package dev.vipd.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each sample under {@code config/bad/} is refused with exactly the expected problem. */
class BadConfigTest {

  @TempDir Path dir;

  static Stream<Arguments> samples() {
    return Stream.of(
        Arguments.of("typo-key",
            "5: vipd.announce.garp-cuont: unknown key (did you mean garp-count?)"),
        Arguments.of("bad-address", "7: vipd.pools[0].addresses[1]: invalid address: 198.51.100.300"
            + " (expected an IPv4 or IPv6 address, a range a-b or a CIDR a/n; names are not"
            + " resolved)"),
        Arguments.of("reversed-range", "6: vipd.pools[0].addresses[2]: invalid address range:"
            + " 198.51.100.20-198.51.100.10 (start after end)"),
        Arguments.of("oversized-range", "4: vipd.pools[0].addresses[0]: invalid address range:"
            + " 2001:db8::1-2001:db8::1:0 (65536 addresses, at most 1024)"),
        Arguments.of("cidr-host-bits", "5: vipd.pools[0].addresses[0]: invalid CIDR:"
            + " 198.51.100.5/28 (host bits set; did you mean 198.51.100.0/28?)"),
        Arguments.of("hostname-address", "5: vipd.pools[0].addresses[0]: invalid address:"
            + " www.example.com (expected an IPv4 or IPv6 address, a range a-b or a CIDR a/n;"
            + " names are not resolved)"),
        Arguments.of("duplicate-vip", "8: vipd.pools[1].addresses[1]: duplicate VIP 198.51.100.115:"
            + " already in pool web at vipd.pools[0].addresses[1] (line 5)"),
        Arguments.of("unknown-health-check", "5: vipd.pools[0].health-checks[1]: unknown health"
            + " check: wbe (defined: web)"),
        Arguments.of("empty-pool", "4: vipd.pools[0].addresses: empty pool: no addresses"),
        Arguments.of("missing-secret", "3: vipd.cluster.secret-file: secret file not found: "
            + "@DIR@/absent.key"),
        Arguments.of("bad-duration", "6: vipd.announce.garp-interval: invalid duration:"
            + " \"half a second\" (expected a number with a unit, such as 500ms or 2s)"),
        Arguments.of("unknown-profile", "4: vipd.cluster.failure-detection: invalid value:"
            + " fastest-ever (expected: default | fast | fastest)"),
        Arguments.of("port-out-of-range", "4: vipd.cluster.port: out of range: 70000"
            + " (expected: 1-65535)"),
        Arguments.of("majority-without-size", "4: vipd.cluster.expected-size: quorum = majority"
            + " needs expected-size >= 1 (the cluster size a majority is counted against)"),
        Arguments.of("syntax-error", "5: syntax error: "),
        Arguments.of("wrong-type", "5: vipd.pools[0].preempt: expected a boolean (true or false),"
            + " got \"maybe\""),
        Arguments.of("multicast-vip", "3: vipd.pools[0].addresses[1]: not usable as a VIP: ff02::1"
            + " (multicast address)"),
        Arguments.of("timeout-not-below-interval", "9: vipd.health-checks.web.timeout: must be"
            + " shorter than interval: 2s >= 1s"),
        Arguments.of("duplicate-pool-name", "5: vipd.pools[1].name: duplicate pool name: web"
            + " (also vipd.pools[0].name)"),
        Arguments.of("bad-http-listen", "4: vipd.http.listen: invalid listen address:"
            + " localhost:9476 (expected address:port with port 1-65535, such as 0.0.0.0:9476 or"
            + " [::]:9476)"),
        // Refused here, with the line, rather than later by the election's own pool type.
        Arguments.of("duplicate-preferred-node", "5: vipd.pools[0].preferred-nodes[2]: duplicate"
            + " preferred node: h1 (also vipd.pools[0].preferred-nodes[0])"),
        // The liveness beacon carries at most 64 bytes of name.
        Arguments.of("long-node-name", "2: vipd.node.name: node name too long: 66 bytes"
            + " (expected: 1-64, the limit of the liveness beacon)"),
        // The announcer's own limit, not one the data plane would refuse after the reload began.
        Arguments.of("unicast-target-is-vip", "4: vipd.pools[0].announce.unicast-targets[1]:"
            + " unicast target 198.51.100.101 is a VIP of pool web"),
        Arguments.of("unicast-target-multicast", "4: vipd.pools[0].announce.unicast-targets[1]:"
            + " not a unicast neighbour address: ff02::1"),
        Arguments.of("unicast-target-typo", "4: vipd.pools[0].announce.unicast-target: unknown"
            + " key (did you mean unicast-targets?)"),
        Arguments.of("announce-too-fast", "4: vipd.announce.frames-per-second: out of range:"
            + " 200000 (expected: 1-100000)"),
        Arguments.of("wire-check-source-v6", "5: vipd.pools[0].wire-check.source-address: not an"
            + " IPv4 literal: 2001:db8::1 (expected: the IPv4 sender address of ARP probes, or \"\""
            + " for 0.0.0.0)"),
        Arguments.of("wire-check-misses-zero", "5: vipd.pools[0].wire-check.misses: out of range:"
            + " 0 (expected: 1-100)"),
        Arguments.of("wire-check-typo", "5: vipd.pools[0].wire-check.intervall: unknown key"
            + " (did you mean interval?)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void refusesWithFileLineAndKeyPath(String sample, String expected) {
    ConfigFixture fixture = new ConfigFixture(dir);
    Path file = fixture.copy("bad/" + sample + ".conf");
    String expectedLine = file + ":" + expected.replace("@DIR@", dir.toString());

    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ConfigLoader.load(file, () -> "testhost"));

    assertThat(e).as("%s must be refused", sample).isNotNull();
    assertThat(e.problems()).as(e.getMessage()).hasSize(1);
    assertThat(e.problems().get(0).file()).isEqualTo(file);
    if (sample.equals("syntax-error")) {
      assertThat(e.getMessage()).startsWith(expectedLine);
    } else {
      assertThat(e.getMessage()).isEqualTo(expectedLine);
    }
  }

  @Test
  void secretReadableByOthersIsRefused() throws Exception {
    ConfigFixture fixture = new ConfigFixture(dir);
    Files.setPosixFilePermissions(fixture.secret(), PosixFilePermissions.fromString("rw-r--r--"));
    Path file = fixture.copy("bad/secret-mode.conf");

    assertThatThrownBy(() -> ConfigLoader.load(file, () -> "testhost"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(file + ":3: vipd.cluster.secret-file: secret file " + fixture.secret()
            + " has mode rw-r--r-- (expected rw------- or r--------: chmod 600 "
            + fixture.secret() + ")");
  }

  @Test
  void secretWithModeReadOnlyByOwnerIsAccepted() throws Exception {
    ConfigFixture fixture = new ConfigFixture(dir);
    Files.setPosixFilePermissions(fixture.secret(), PosixFilePermissions.fromString("r--------"));

    VipdConfig config = fixture.load("bad/secret-mode.conf");

    assertThat(config.cluster().secretFile()).isEqualTo(fixture.secret());
  }

  @Test
  void secretThatIsADirectoryIsRefused() throws Exception {
    ConfigFixture fixture = new ConfigFixture(dir);
    Path file = fixture.write("dir-secret.conf", "vipd.cluster.secret-file = \"@DIR@\"\n");

    assertThatThrownBy(() -> ConfigLoader.load(file, () -> "testhost"))
        .hasMessage(file + ":1: vipd.cluster.secret-file: secret file is not a regular file: "
            + dir);
  }

  @Test
  void reportsEveryProblemOfAFileAtOnce() {
    ConfigFixture fixture = new ConfigFixture(dir);
    Path file = fixture.copy("bad/three-problems.conf");

    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ConfigLoader.load(file, () -> "testhost"));

    assertThat(e.getMessage().split("\n")).containsExactly(
        file + ":5: vipd.pools[0].addresses[0]: invalid address range:"
            + " 198.51.100.10-198.51.100.1 (start after end)",
        file + ":8: vipd.announce.garp-cuont: unknown key (did you mean garp-count?)",
        file + ":9: vipd.announce.refresh-interval: invalid duration: 5 (expected a number with"
            + " a unit, such as 500ms or 2s)");
  }

  @Test
  void missingFileIsAProblemNamingTheFile() {
    Path file = dir.resolve("absent.conf");

    assertThatThrownBy(() -> ConfigLoader.load(file, () -> "testhost"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(file.toString())
        .hasMessageContaining("No such file");
  }

  @Test
  void sectionsOfTheWrongTypeAreProblemsNotCrashes() {
    ConfigFixture fixture = new ConfigFixture(dir);
    Path file = fixture.write("types.conf", String.join("\n",
        "vipd {",
        "  node = 5",
        "  cluster = []",
        "  announce = \"x\"",
        "  http = 1",
        "  hooks = true",
        "  pools = {}",
        "  health-checks = []",
        "  defaults = 3",
        "}"));

    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ConfigLoader.load(file, () -> "testhost"));

    assertThat(e.problems()).extracting(p -> p.where().line() + " " + p.keyPath())
        .contains("2 vipd.node", "3 vipd.cluster", "4 vipd.announce", "5 vipd.http",
            "6 vipd.hooks", "7 vipd.pools", "8 vipd.health-checks", "9 vipd.defaults");
  }
}
