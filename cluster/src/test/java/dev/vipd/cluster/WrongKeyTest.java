package dev.vipd.cluster;

import static dev.vipd.cluster.ClusterNodeTest.ALL;
import static dev.vipd.cluster.ClusterNodeTest.POOLS;
import static dev.vipd.cluster.ClusterNodeTest.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** A node whose own key is wrong refuses to own anything rather than taking every VIP. */
class WrongKeyTest {
  @Test
  void nodeWithWrongKeyAloneAmongVerifiedPeersOwnsNothing() throws Exception {
    try (LocalCluster c = new LocalCluster(3, POOLS)) {
      c.start(0);
      c.start(1);
      await().atMost(WAIT).until(() -> c.node("n1").status().owners().size() == ALL.size());
      c.start(2, LocalCluster.OTHER_KEY);
      await().atMost(WAIT).untilAsserted(() -> {
        ClusterStatus s = c.node("n3").status();
        assertThat(s.members()).hasSize(3).allMatch(m -> !m.verified());
        assertThat(s.owners()).isEmpty(); // it cannot verify a single value either
      });
      // Even with both honest nodes drained, it stays out.
      c.node("n1").drain(WAIT);
      c.node("n2").drain(WAIT);
      Thread.sleep(1_500);
      assertThat(c.recorder("n3").vips()).isEmpty();
      assertThat(c.recorder("n3").events()).isEmpty();
      assertThat(c.recorder("n1").vips()).isEqualTo(Set.of());
    }
  }
}
