package dev.vipd.cluster.election;

import static dev.vipd.cluster.election.Fixtures.elect;
import static dev.vipd.cluster.election.Fixtures.healthy;
import static dev.vipd.cluster.election.Fixtures.ips;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A node the wire checks found silent on a pool loses that pool's VIPs with {@link
 * Reason#WIRE_SILENT}, keeps the other pools', and takes nothing back when it recovers.
 */
class WireSilentTest {
  private static final List<InetAddress> WEB_VIPS = ips("198.51.100.1", "198.51.100.2");
  private static final List<InetAddress> DB_VIPS = ips("198.51.100.11");
  private static final Pool WEB = Pool.of("web", WEB_VIPS);
  private static final Pool DB = Pool.of("db", DB_VIPS);

  private static Node silentOn(String name, String pool) {
    return new Node(name, Map.of(), true, false, false, Set.of(), Set.of(), 0, false, null, null,
        Set.of(), Set.of(pool));
  }

  @Test
  void theSilentOwnerLosesThatPoolsVipsWithTheReasonAndKeepsTheOthers() {
    Map<InetAddress, Ownership> current = new HashMap<>();
    WEB_VIPS.forEach(v -> current.put(v, new Ownership("h1", 2)));
    DB_VIPS.forEach(v -> current.put(v, new Ownership("h1", 2)));
    ElectionResult result =
        elect(List.of(silentOn("h1", "web"), healthy("h2")), List.of(DB, WEB), current);
    for (InetAddress v : WEB_VIPS) {
      assertThat(result.owners().get(v)).isEqualTo(new Ownership("h2", 3));
    }
    assertThat(result.owners().get(DB_VIPS.get(0))).isEqualTo(new Ownership("h1", 2));
    assertThat(result.changes()).hasSize(2)
        .allSatisfy(c -> assertThat(c.reason()).isEqualTo(Reason.WIRE_SILENT));
  }

  @Test
  void nothingIsPlacedOnASilentNodeAndItTakesNothingBackOnRecovery() {
    ElectionResult placed =
        elect(List.of(silentOn("h1", "web"), healthy("h2")), List.of(WEB), Map.of());
    assertThat(placed.owners().values()).extracting(Ownership::node).containsOnly("h2");
    ElectionResult recovered =
        elect(List.of(healthy("h1"), healthy("h2")), List.of(WEB), placed.owners());
    assertThat(recovered.owners()).isEqualTo(placed.owners());
    assertThat(recovered.changes()).isEmpty();
  }
}
