package dev.vipd.cluster;

import static dev.vipd.cluster.ClusterNodeTest.ALL;
import static dev.vipd.cluster.ClusterNodeTest.POOLS;
import static dev.vipd.cluster.ClusterNodeTest.WAIT;
import static dev.vipd.cluster.ClusterNodeTest.awaitSettled;
import static dev.vipd.cluster.ClusterNodeTest.owners;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vipd.cluster.election.Reason;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link ClusterNode#setUnservable} on real members in this JVM: the VIPs a node reports it
 * cannot serve move to another node (reason {@code unservable}) and do not come back when it
 * recovers; the writer's own report works like anyone else's.
 */
class UnservableNodeTest {

  @Test
  void unservableVipsMoveAwayAndStayAwayAfterRecovery() throws Exception {
    try (LocalCluster c = new LocalCluster(2, POOLS)) {
      c.startAll();
      awaitSettled(c, Set.of("n1", "n2"));
      for (String reporter : List.of("n2", "n1")) { // n1 is the writer
        String other = reporter.equals("n1") ? "n2" : "n1";
        Set<InetAddress> held = c.recorder(reporter).vips();
        assertThat(held).as("held by %s", reporter).isNotEmpty();

        c.node(reporter).setUnservable(held);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
          assertThat(c.recorder(reporter).vips()).isEmpty();
          assertThat(c.recorder(other).vips()).containsAll(held);
        });
        Map<InetAddress, String> moved = owners(c, other);
        for (InetAddress vip : held) {
          assertThat(c.node(other).status().owners().get(vip).reason())
              .isEqualTo(Reason.UNSERVABLE);
        }

        c.node(reporter).setUnservable(Set.of());
        Thread.sleep(1_500); // several writer ticks: nothing may move back (no preemption)
        assertThat(owners(c, other)).isEqualTo(moved);
        assertThat(owners(c, other).keySet()).isEqualTo(ALL);
        assertThat(c.recorder(reporter).vips()).isEmpty();
        // next round: the other one, which now holds everything, reports
      }
    }
  }
}
