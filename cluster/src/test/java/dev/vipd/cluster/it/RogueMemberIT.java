package dev.vipd.cluster.it;

import static dev.vipd.cluster.it.ClusterLab.awaitAgreement;
import static dev.vipd.cluster.it.Ownerships.names;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A rogue member that knows the cluster name but not the secret (it signs with another key)
 * joins Hazelcast: the honest members list it as unverified and it never owns a VIP, not even
 * when an honest owner dies and VIPs must move.
 */
class RogueMemberIT {
  private static final List<InetAddress> VIPS = ClusterLab.vips(6);

  private ClusterLab lab;

  @BeforeEach
  void setUp() {
    lab = ClusterLab.create(3, false);
  }

  @AfterEach
  void tearDown() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void rogueWithAnotherSecretIsUnverifiedAndNeverOwns() {
    NodeOptions base = lab.options("none", "default", VIPS);
    List<NodeProcess> honest = lab.startAll(base, 2);
    Map<InetAddress, String> before = awaitAgreement(honest, names(honest), VIPS,
        Duration.ofSeconds(30));
    NodeProcess rogue = lab.start(base.withName("n3", ClusterLab.address(3))
        .withSecretFile(lab.otherSecret()));
    ClusterLab.awaitJoined(rogue);
    ClusterLab.await("honest members list the rogue as unverified", Duration.ofSeconds(20),
        () -> ClusterLab.statuses(honest).values().stream()
            .allMatch(s -> s.seesUnverified(rogue.name())));
    ClusterLab.sleep(2000);
    assertThat(awaitAgreement(honest, names(honest), VIPS, Duration.ofSeconds(10)))
        .as("owners after the rogue joined").isEqualTo(before);

    // VIPs that must move go to the honest survivor, never to the rogue
    NodeProcess victim = honest.get(0);
    List<NodeProcess> survivor = List.of(honest.get(1));
    victim.kill();
    awaitAgreement(survivor, names(survivor), VIPS, Duration.ofSeconds(20));
    ClusterLab.sleep(1000);
    assertThat(rogue.events("acquired")).as("acquisitions of the rogue").isEmpty();
    assertThat(rogue.isAlive()).as("rogue still running").isTrue();
    StatusLine view = survivor.get(0).status(ClusterLab.STATUS_TIMEOUT);
    assertThat(view.seesUnverified(rogue.name())).isTrue();
    assertThat(view.owners().values()).containsOnly(survivor.get(0).name());
  }
}
