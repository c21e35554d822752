package dev.vipd.cluster;

import static dev.vipd.cluster.ClusterNodeTest.ALL;
import static dev.vipd.cluster.ClusterNodeTest.POOLS;
import static dev.vipd.cluster.ClusterNodeTest.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Two hosts configured with one name: the younger fails to start, the older is undisturbed. */
class DuplicateNameTest {
  @Test
  void theYoungerOfTwoMembersWithOneNameFailsStartAndLeaksNoHazelcast() throws Exception {
    try (LocalCluster c = new LocalCluster(2, POOLS)) {
      c.start(0);
      await().atMost(WAIT).until(() -> c.recorder("n1").vips().equals(ALL));
      Set<String> before = instanceNames();
      ClusterSettings n2 = c.settings(1, LocalCluster.KEY);
      ClusterSettings namesake = new ClusterSettings(n2.clusterName(), "n1", n2.labels(),
          n2.bindAddress(), n2.port(), n2.peers(), n2.beaconPort(), n2.profile(), n2.policy(),
          n2.secret(), n2.handoverGrace());
      Recorder younger = new Recorder("n1-younger");

      assertThatThrownBy(() -> ClusterNode.start(namesake, POOLS, younger,
          new SimpleMeterRegistry()))
          .isInstanceOf(DuplicateNodeNameException.class)
          .hasMessage("node name \"n1\" is already used by the cluster member at 127.0.0.1:"
              + c.hazelcastPort + "; give each host its own vipd.node.name");

      // Instances of earlier tests may still be shutting down and leave the set meanwhile; what
      // must not happen is a new one, the younger namesake's, staying up.
      assertThat(instanceNames()).as("no Hazelcast instance left behind").isSubsetOf(before);
      assertThat(younger.events()).isEmpty();
      await().atMost(WAIT).until(() -> c.node("n1").status().members().size() == 1);
      ClusterStatus older = c.node("n1").status();
      assertThat(older.problems()).isEmpty();
      assertThat(c.recorder("n1").vips()).isEqualTo(ALL);
      assertThat(c.recorder("n1").events()).noneMatch(e -> !e.acquired());
    }
  }

  private static Set<String> instanceNames() {
    return Hazelcast.getAllHazelcastInstances().stream().filter(h -> h.getLifecycleService().isRunning())
        .map(h -> h.getName()).collect(Collectors.toSet());
  }
}
