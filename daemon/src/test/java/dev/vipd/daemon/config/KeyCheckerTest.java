package dev.vipd.daemon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Unknown keys anywhere under {@code vipd} are refused, with a suggestion for typos. */
class KeyCheckerTest {

  @TempDir Path dir;

  @ParameterizedTest
  @CsvSource({
      "garp-cuont, garp-count",
      "prot, port",
      "intervall, interval",
      "refresh, ",
      "colour, "})
  void suggestsOnlyNearKeys(String typo, String expected) {
    List<String> known = List.of("garp-count", "port", "interval", "refresh-interval", "name");

    assertThat(KeyChecker.nearest(typo, known)).isEqualTo(expected);
  }

  @Test
  void distanceCountsASwapAsOneEdit() {
    assertThat(KeyChecker.distance("cuont", "count")).isEqualTo(1);
    assertThat(KeyChecker.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(KeyChecker.distance("", "abc")).isEqualTo(3);
  }

  @Test
  void unknownKeysInEverySectionArePlacedAtTheirLine() {
    ConfigFixture fixture = new ConfigFixture(dir);
    Path file = fixture.write("keys.conf", String.join("\n",
        "vipd {",
        "  cluster.secret-file = \"@DIR@/cluster.key\"",
        "  cluster.prot = 5701",
        "  node.labels { anything-goes = \"yes\" }",
        "  pools = [{ name = \"web\", interface = \"eth0\", addresses = [\"198.51.100.1\"],",
        "    node-selector { anything-goes = \"yes\" },",
        "    premept = true }]",
        "  health-checks {",
        "    web { type = tcp, host = \"127.0.0.1\", port = 80, url = \"http://x/\" }",
        "    api { type = http, url = \"http://127.0.0.1/\", intervall = 1s }",
        "  }",
        "  metrics = true",
        "}"));

    assertThatThrownBy(() -> ConfigLoader.load(file, () -> "testhost"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(String.join("\n",
            file + ":3: vipd.cluster.prot: unknown key (did you mean port?)",
            file + ":7: vipd.pools[0].premept: unknown key (did you mean preempt?)",
            file + ":9: vipd.health-checks.web.url: unknown key",
            file + ":10: vipd.health-checks.api.intervall: unknown key (did you mean interval?)",
            file + ":12: vipd.metrics: unknown key"));
  }
}
