package dev.vipd.daemon.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Parses real lines captured on this machine: see {@code link/ip-link-lines.txt}. */
class LinkStateTest {

  private static final Map<String, String> LINES = load();

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    // key,                       index, name,  state,          mac,               carrier, deleted
    "root-lo,                     1, lo,     UNKNOWN,        00:00:00:00:00:00, true,  false",
    "root-ifb-down,               2, ifb0,   DOWN,           1e:29:48:e6:e2:ca, false, false",
    "root-eth0-up,                4, eth0,   UP,             02:fc:00:00:00:01, true,  false",
    "mon-veth-admin-down,         3, eth0,   DOWN,           86:f2:ba:6d:5f:f2, false, false",
    "mon-veth-peer-down,          3, eth0,   LOWERLAYERDOWN, 86:f2:ba:6d:5f:f2, false, false",
    "mon-veth-nocarrier-lowerup,  2, p0,     LOWERLAYERDOWN, 46:41:9e:2f:58:2b, false, false",
    "mon-veth-up,                 3, eth0,   UP,             86:f2:ba:6d:5f:f2, true,  false",
    "mon-veth-new-mac,            3, eth0,   LOWERLAYERDOWN, 02:00:5e:00:53:01, false, false",
    "mon-bridge-no-ports,         4, br0,    UNKNOWN,        de:06:a1:48:fa:84, true,  false",
    "mon-altname,                 3, eth0,   LOWERLAYERDOWN, 02:00:5e:00:53:01, false, false",
    "mon-peer-gone,               3, eth0,   DOWN,           02:00:5e:00:53:01, false, false",
    "mon-deleted,                 3, eth0,   DOWN,           02:00:5e:00:53:01, false, true",
    "show-recreated,              6, eth0,   DOWN,           4e:c9:bd:ba:43:21, false, false",
    "show-macvlan,                7, mv0,    DOWN,           ca:4c:5c:c3:c4:7e, false, false",
  })
  void parsesCapturedLine(
      String key,
      int index,
      String name,
      String state,
      String mac,
      boolean carrier,
      boolean deleted) {
    LinkState link = LinkState.parse(LINES.get(key));

    assertThat(link.index()).isEqualTo(index);
    assertThat(link.name()).isEqualTo(name);
    assertThat(link.operState()).isEqualTo(state);
    assertThat(link.mac()).isEqualTo(mac);
    assertThat(link.carrier()).isEqualTo(carrier);
    assertThat(link.deleted()).isEqualTo(deleted);
  }

  @ParameterizedTest
  @ValueSource(strings = {"root-eth0-up", "mon-veth-nocarrier-lowerup", "mon-deleted"})
  void keepsTheFlags(String key) {
    assertThat(LinkState.parse(LINES.get(key)).flags()).contains("BROADCAST", "MULTICAST");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "garbage",
        "x: eth0: <UP> mtu 1500",
        "3: eth0 mtu 1500 state UP",
        "0: eth0: <UP,LOWER_UP> mtu 1500 state UP",
        "3: : <UP> mtu 1500",
      })
  void refusesLinesThatAreNotIpLinkLines(String line) {
    assertThatThrownBy(() -> LinkState.parse(line))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid");
  }

  @ParameterizedTest
  @CsvSource({
    "'9: wg0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420 qdisc noqueue state UNKNOWN \\    link/none ',"
        + " wg0",
    "'9: wg0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420 state UNKNOWN \\    link/none \\    altname x',"
        + " wg0",
  })
  void interfaceWithoutLinkLayerAddressHasEmptyMac(String line, String name) {
    LinkState link = LinkState.parse(line);
    assertThat(link.name()).isEqualTo(name);
    assertThat(link.mac()).isEmpty();
    assertThat(link.carrier()).isTrue();
  }

  private static Map<String, String> load() {
    try (InputStream in = LinkStateTest.class.getResourceAsStream("/link/ip-link-lines.txt")) {
      Map<String, String> lines = new HashMap<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.isBlank() && !line.startsWith("#")) {
          int tab = line.indexOf('\t');
          lines.put(line.substring(0, tab), line.substring(tab + 1));
        }
      }
      return lines;
    } catch (IOException e) {
      throw new IllegalStateException("reading link/ip-link-lines.txt", e);
    }
  }
}
