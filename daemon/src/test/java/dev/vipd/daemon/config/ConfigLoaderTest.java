package dev.vipd.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vipd.cluster.beacon.FailureDetectionProfile;
import dev.vipd.cluster.election.Quorum;
import dev.vipd.daemon.health.HealthCheckSpec;
import dev.vipd.daemon.hooks.HookEvent;
import dev.vipd.daemon.hooks.HookSpec;
import dev.vipd.protocol.AnnounceSettings;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Good files parse into the expected records, with defaults filled and ranges expanded. */
class ConfigLoaderTest {

  @TempDir Path dir;

  private static InetAddress ip(String literal) {
    return IpLiterals.parse(literal);
  }

  @Test
  void fullConfigParsesIntoRecords() throws Exception {
    ConfigFixture fixture = new ConfigFixture(dir);
    VipdConfig config = fixture.load("good/full.conf");

    assertThat(config.node()).isEqualTo(new NodeConfig("h1", Map.of("rack", "r1", "zone", "a")));
    assertThat(config.cluster()).isEqualTo(new ClusterConfig("prod-vips", "eth0", 5801, 5702,
        List.of(ip("198.51.100.11"), ip("198.51.100.12"), ip("2001:db8::13")), fixture.secret(),
        Quorum.MAJORITY, 3, FailureDetectionProfile.FAST));

    PoolConfig web = config.pools().get(0);
    assertThat(web).isEqualTo(new PoolConfig("web", "eth0",
        List.of(ip("198.51.100.100"), ip("198.51.100.110"), ip("198.51.100.111"),
            ip("198.51.100.112"), ip("198.51.100.113"), ip("2001:db8::100")),
        Map.of("rack", "r1"), List.of("h1"), true, Duration.ofSeconds(45),
        List.of("web", "db"), List.of(ip("198.51.100.1"), ip("2001:db8::1"))));
    PoolConfig db = config.pools().get(1);
    assertThat(db.addresses()).containsExactly(
        ip("203.0.113.0"), ip("203.0.113.1"), ip("203.0.113.2"), ip("203.0.113.3"),
        ip("2001:db8::1:0"), ip("2001:db8::1:1"), ip("2001:db8::1:2"), ip("2001:db8::1:3"));
    assertThat(db.preempt()).isFalse();
    assertThat(db.preemptDelay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(db.nodeSelector()).isEmpty();
    assertThat(db.preferredNodes()).isEmpty();
    assertThat(db.healthChecks()).isEmpty();

    HealthCheckSpec.Timing defaults =
        new HealthCheckSpec.Timing(Duration.ofSeconds(1), Duration.ofMillis(500), 2, 2);
    assertThat(config.healthChecks()).containsExactly(
        Map.entry("web", new HealthCheckSpec.Http("web", URI.create("http://127.0.0.1:8080/healthz"),
            200, 399, new HealthCheckSpec.Timing(Duration.ofSeconds(2), Duration.ofMillis(500), 3,
                1))),
        Map.entry("db", new HealthCheckSpec.Tcp("db", "127.0.0.1", 5432, defaults)),
        Map.entry("disk", new HealthCheckSpec.Exec("disk",
            List.of("/usr/local/bin/check-disk", "--quick"), defaults)));

    assertThat(config.announce()).isEqualTo(
        new AnnounceSettings(5, Duration.ofMillis(200), Duration.ofSeconds(30), 2000));
    assertThat(config.bindMode()).isEqualTo(BindMode.INTERFACE);
    assertThat(config.http()).isEqualTo(new HttpConfig(ip("::1"), 9500));
    assertThat(config.hooks()).containsExactly(new HookSpec("on-acquire",
        Set.of(HookEvent.ACQUIRE), List.of("/usr/local/bin/notify", "acquire"),
        Duration.ofSeconds(10)));
    assertThat(config.controlSocket()).isEqualTo(Path.of("/run/vipd/control.sock"));
    assertThat(config.drainStateFile()).isEqualTo(Path.of("/var/lib/vipd/drained"));
  }

  @Test
  void recordsWhereEachValueWasWritten() throws Exception {
    ConfigFixture fixture = new ConfigFixture(dir);
    VipdConfig config = fixture.load("good/full.conf");

    assertThat(config.originOf("vipd.cluster.port")).isEqualTo(new SourceLine(config.source(), 7));
    assertThat(config.originOf("vipd.pools[1].interface"))
        .isEqualTo(new SourceLine(config.source(), 19));
    assertThat(config.originOf("vipd.cluster.beacon-port"))
        .isEqualTo(SourceLine.defaulted(config.source()));
  }

  @Test
  void minimalConfigTakesEveryDefaultAndTheHostname() throws Exception {
    ConfigFixture fixture = new ConfigFixture(dir);
    VipdConfig config = fixture.load("good/minimal.conf");

    assertThat(config.node()).isEqualTo(new NodeConfig("testhost", Map.of()));
    assertThat(config.cluster()).isEqualTo(new ClusterConfig("vipd", "eth0", 5701, 5702,
        List.of(), fixture.secret(), Quorum.NONE, 0, FailureDetectionProfile.DEFAULT));
    assertThat(config.announce()).isEqualTo(
        new AnnounceSettings(3, Duration.ofMillis(500), Duration.ofSeconds(30), 2000));
    assertThat(config.bindMode()).isEqualTo(BindMode.ROUTE_LOCAL);
    assertThat(config.http()).isEqualTo(new HttpConfig(ip("0.0.0.0"), 9476));
    assertThat(config.hooks()).isEmpty();
    assertThat(config.healthChecks()).isEmpty();
    assertThat(config.pools()).singleElement().satisfies(pool -> {
      assertThat(pool.addresses()).containsExactly(ip("198.51.100.100"));
      assertThat(pool.preemptDelay()).isEqualTo(Duration.ofSeconds(30));
    });
  }

  @Test
  void defaultsSectionChangesEveryPoolAndCheck() throws Exception {
    ConfigFixture fixture = new ConfigFixture(dir);
    Path file = fixture.write("defaults.conf", String.join("\n",
        "vipd {",
        "  cluster.secret-file = \"@DIR@/cluster.key\"",
        "  defaults.pool.preempt = true",
        "  defaults.health-check.rise = 5",
        "  health-checks.db { type = tcp, host = \"127.0.0.1\", port = 5432 }",
        "  pools = [{ name = \"a\", interface = \"eth0\", addresses = [\"198.51.100.1\"] }]",
        "}"));

    VipdConfig config = ConfigLoader.load(file, () -> "testhost");

    assertThat(config.pools().get(0).preempt()).isTrue();
    assertThat(config.healthChecks().get("db").timing().rise()).isEqualTo(5);
  }

  @Test
  void fastestNamesTheEightyMillisecondProfile() throws Exception {
    ConfigFixture fixture = new ConfigFixture(dir);
    Path file = fixture.write("fastest.conf", String.join("\n",
        "vipd {",
        "  cluster { secret-file = \"@DIR@/cluster.key\", failure-detection = fastest }",
        "}"));

    VipdConfig config = ConfigLoader.load(file, () -> "testhost");

    assertThat(config.cluster().failureDetection()).isSameAs(FailureDetectionProfile.FASTEST);
    assertThat(config.cluster().failureDetection().suspicionTimeout())
        .isEqualTo(Duration.ofMillis(80));
  }

  @Test
  void missingNodeNameWithoutHostnameIsAProblem() {
    ConfigFixture fixture = new ConfigFixture(dir);
    Path file = fixture.copy("good/minimal.conf");

    assertThatThrownBy(() -> ConfigLoader.load(file, () -> null))
        .hasMessage(file + ": vipd.node.name: not set and the hostname cannot be read; set"
            + " vipd.node.name");
  }

  @Test
  void checkInterfacesReportsThePoolLine() throws Exception {
    ConfigFixture fixture = new ConfigFixture(dir);
    VipdConfig config = fixture.load("good/full.conf");

    assertThatThrownBy(() -> ConfigLoader.checkInterfaces(config, Set.of("eth0")::contains))
        .isInstanceOf(ConfigException.class)
        .hasMessage(config.source() + ":19: vipd.pools[1].interface: no such interface: eth1"
            + " (pool db)");
  }

  @Test
  void checkInterfacesAcceptsExistingInterfaces() throws Exception {
    ConfigFixture fixture = new ConfigFixture(dir);
    VipdConfig config = fixture.load("good/full.conf");

    Set<String> asked = new java.util.TreeSet<>();
    ConfigLoader.checkInterfaces(config, name -> asked.add(name) || true);

    assertThat(asked).containsExactly("eth0", "eth1");
  }
}
