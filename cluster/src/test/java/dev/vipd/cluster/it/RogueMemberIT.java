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
 * joins Hazelcast beside three honest members: they list it as unverified and it never owns a VIP, not even
 * when an honest owner dies and VIPs must move.
 */
class RogueMemberIT {
  private static final List<InetAddress> VIPS = ClusterLab.vips(6);

  private ClusterLab lab;

  @BeforeEach
  void setUp() {
    lab = ClusterLab.create(4, false);
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
    // three honest members: two left after a death still verify each other (a lone honest
    // member beside a rogue cannot tell it from having the wrong key itself, and owns nothing)
    List<NodeProcess> honest = lab.startAll(base, 3);
    Map<InetAddress, String> before = awaitAgreement(honest, names(honest), VIPS,
        Duration.ofSeconds(30));
    NodeProcess rogue = lab.start(base.withName("n4", ClusterLab.address(4))
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
    List<NodeProcess> survivors = honest.subList(1, 3);
    victim.kill();
    awaitAgreement(survivors, names(survivors), VIPS, Duration.ofSeconds(20));
    ClusterLab.sleep(1000);
    assertThat(rogue.events("acquired")).as("acquisitions of the rogue").isEmpty();
    assertThat(rogue.isAlive()).as("rogue still running").isTrue();
    for (NodeProcess n : survivors) {
      StatusLine view = n.status(ClusterLab.STATUS_TIMEOUT);
      assertThat(view.seesUnverified(rogue.name())).as("%s sees the rogue unverified", n).isTrue();
      assertThat(view.owners().values()).as("owners in the view of %s", n)
          .isSubsetOf(names(survivors));
    }
  }
}
