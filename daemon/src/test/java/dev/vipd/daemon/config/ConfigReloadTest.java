package dev.vipd.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.InetAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a reload may change, and the refusal of keys that need a restart. */
class ConfigReloadTest {

  @TempDir Path dir;

  private ConfigFixture fixture;
  private VipdConfig running;

  @BeforeEach
  void loadRunning() throws Exception {
    fixture = new ConfigFixture(dir);
    running = ConfigLoader.load(write("running.conf", base()), () -> "h1");
  }

  /** The running file; {@code @POOLS@}, {@code @EXTRA@} and others are replaced by each test. */
  private static String base() {
    return String.join("\n",
        "vipd {",
        "  cluster { secret-file = \"@DIR@/cluster.key\", port = 5701 }",
        "  pools = [",
        "    { name = \"web\", interface = \"eth0\",",
        "      addresses = [\"198.51.100.10-198.51.100.12\"], health-checks = [\"web\"] }",
        "    { name = \"db\", interface = \"eth0\", addresses = [\"198.51.100.20\"] }",
        "  ]",
        "  health-checks.web { type = tcp, host = \"127.0.0.1\", port = 80 }",
        "}",
        "");
  }

  private Path write(String name, String text) {
    return fixture.write(name, text);
  }

  private VipdConfig next(String text) throws ConfigException {
    return ConfigLoader.load(write("next.conf", text), () -> "h1");
  }

  private static InetAddress ip(String literal) {
    return IpLiterals.parse(literal);
  }

  @Test
  void sameFileChangesNothing() throws Exception {
    ReloadPlan plan = ConfigReload.diff(running, next(base()));

    assertThat(plan.isEmpty()).isTrue();
  }

  @Test
  void aWireCheckChangeIsAPoolChangeThatMovesNoVip() throws Exception {
    String text = base().replace("{ name = \"db\", interface = \"eth0\",",
        "{ name = \"db\", interface = \"eth0\", wire-check { interval = 500ms, misses = 5,"
            + " source-address = \"198.51.100.254\" },");

    ReloadPlan plan = ConfigReload.diff(running, next(text));

    assertThat(running.pools().get(1).wireCheck()).isEqualTo(WireCheckConfig.DEFAULT);
    assertThat(plan.changedPools()).singleElement().satisfies(change -> {
      assertThat(change.name()).isEqualTo("db");
      assertThat(change.after().wireCheck()).isEqualTo(new WireCheckConfig(true,
          java.time.Duration.ofMillis(500), 5, ip("198.51.100.254")));
      assertThat(change.addedAddresses()).isEmpty();
      assertThat(change.removedAddresses()).isEmpty();
      assertThat(change.settingsChanged()).as("ownership is not re-evaluated").isFalse();
    });
  }

  @Test
  void addressChangesDisturbOnlyTheAddressesThatChanged() throws Exception {
    String text = base().replace("198.51.100.10-198.51.100.12", "198.51.100.11-198.51.100.13");

    ReloadPlan plan = ConfigReload.diff(running, next(text));

    assertThat(plan.changedPools()).singleElement().satisfies(change -> {
      assertThat(change.name()).isEqualTo("web");
      assertThat(change.addedAddresses()).containsExactly(ip("198.51.100.13"));
      assertThat(change.removedAddresses()).containsExactly(ip("198.51.100.10"));
      assertThat(change.settingsChanged()).isFalse();
    });
    assertThat(plan.addedPools()).isEmpty();
    assertThat(plan.removedPools()).isEmpty();
    assertThat(plan.changedHealthChecks()).isEmpty();
  }

  @Test
  void poolsAddedRemovedAndSettingsChanged() throws Exception {
    String text = base()
        .replace("{ name = \"db\", interface = \"eth0\", addresses = [\"198.51.100.20\"] }",
            "{ name = \"api\", interface = \"eth1\", addresses = [\"2001:db8::20\"] }")
        .replace("health-checks = [\"web\"] }", "health-checks = [], preempt = true }");

    ReloadPlan plan = ConfigReload.diff(running, next(text));

    assertThat(plan.addedPools()).extracting(PoolConfig::name).containsExactly("api");
    assertThat(plan.removedPools()).extracting(PoolConfig::name).containsExactly("db");
    assertThat(plan.changedPools()).singleElement().satisfies(change -> {
      assertThat(change.name()).isEqualTo("web");
      assertThat(change.settingsChanged()).isTrue();
      assertThat(change.addedAddresses()).isEmpty();
      assertThat(change.removedAddresses()).isEmpty();
    });
  }

  @Test
  void healthChecksAnnounceAndHooksChanges() throws Exception {
    String text = base()
        .replace("port = 80 }", "port = 8080 }\n  health-checks.db { type = exec,"
            + " command = [\"/bin/true\"] }")
        .replace("  ]\n", "  ]\n  announce.garp-count = 4\n"
            + "  hooks.on-release = [\"/usr/local/bin/notify\"]\n");

    ReloadPlan plan = ConfigReload.diff(running, next(text));

    assertThat(plan.changedHealthChecks()).containsExactly("web", "db");
    assertThat(plan.announceChanged()).isTrue();
    assertThat(plan.hooksChanged()).isTrue();
    assertThat(plan.changedPools()).isEmpty();
    assertThat(plan.next().announce().count()).isEqualTo(4);
  }

  @Test
  void restartOnlyKeysAreRefusedByName() throws Exception {
    String text = base()
        .replace("port = 5701 }", "port = 5702, beacon-port = 5703 }\n"
            + "  node { name = \"h2\", labels.rack = \"r2\" }\n"
            + "  http.listen = \"127.0.0.1:9476\"")
        .replace("  ]\n", "  ]\n  announce.garp-count = 4\n");
    VipdConfig next = next(text);

    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ConfigReload.diff(running, next));

    Path file = next.source();
    assertThat(e.getMessage().split("\n")).containsExactly(
        file + ":3: vipd.node.name: cannot change without a restart (running: h1, file: h2)",
        file + ":3: vipd.node.labels: cannot change without a restart (running: {}, file:"
            + " {rack=r2})",
        file + ":2: vipd.cluster.port: cannot change without a restart (running: 5701, file:"
            + " 5702)",
        file + ":2: vipd.cluster.beacon-port: cannot change without a restart (running: 5702,"
            + " file: 5703)",
        file + ":4: vipd.http.listen: cannot change without a restart (running: 0.0.0.0:9476,"
            + " file: 127.0.0.1:9476)");
  }

  @Test
  void clusterSecretAndModeChangesAreRefused() throws Exception {
    String text = base()
        .replace("port = 5701 }", "port = 5701, quorum = majority, expected-size = 3 }\n"
            + "  bind-mode = interface");

    ConfigException e = catchThrowableOfType(ConfigException.class,
        () -> ConfigReload.diff(running, next(text)));

    assertThat(e.problems()).extracting(ConfigProblem::keyPath).containsExactly(
        "vipd.cluster.quorum", "vipd.cluster.expected-size", "vipd.bind-mode");
  }
}
