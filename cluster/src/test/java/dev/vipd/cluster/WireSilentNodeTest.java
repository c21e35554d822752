package dev.vipd.cluster;

import static dev.vipd.cluster.ClusterNodeTest.POOLS;
import static dev.vipd.cluster.ClusterNodeTest.WAIT;
import static dev.vipd.cluster.ClusterNodeTest.awaitSettled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vipd.cluster.election.Reason;
import dev.vipd.cluster.member.WireState;
import dev.vipd.cluster.member.WireState.Silent;
import dev.vipd.cluster.ownership.Assignment;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link ClusterNode#setWire} on real members in this JVM (issue 13): a peer's signed report
 * that the owner is silent on a pool moves that pool's VIPs (reason {@code wire-silent}), not the
 * other pool's; the same
 * report from a peer that suspects its own checks moves nothing; withdrawing it moves nothing
 * back.
 */
class WireSilentNodeTest {

  @Test
  void aPeersSilentReportMovesTheOwnersVipsAndASuspectPeersDoesNot() throws Exception {
    try (LocalCluster c = new LocalCluster(3, POOLS)) {
      c.startAll();
      awaitSettled(c, Set.of("n1", "n2", "n3"));
      String pool = POOLS.get(0).name();
      Map<InetAddress, Assignment> table = c.node("n2").status().owners();
      Set<InetAddress> all = c.recorder("n1").vips();
      Set<InetAddress> held = new java.util.HashSet<>(all);
      held.removeIf(v -> !table.get(v).pool().equals(pool));
      Set<InetAddress> others = new java.util.HashSet<>(all);
      others.removeAll(held);
      assertThat(held).isNotEmpty();
      long n1Start = c.node("n2").status().members().stream()
          .filter(m -> m.name().equals("n1")).findFirst().orElseThrow().startTimeMillis();
      Set<Silent> report = Set.of(new Silent(pool, "n1", n1Start));

      c.node("n3").setWire(new WireState(Map.of(), report, true)); // suspects itself
      Thread.sleep(1_500); // several writer ticks: a lone suspect's report moves nothing
      assertThat(c.recorder("n1").vips()).isEqualTo(all);

      c.node("n2").setWire(new WireState(Map.of(), report, false));
      await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
          .untilAsserted(() -> assertThat(c.recorder("n1").vips()).isEqualTo(others));
      for (InetAddress vip : held) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(
            c.node("n2").status().owners().get(vip).reason()).isEqualTo(Reason.WIRE_SILENT));
      }
      c.node("n2").setWire(WireState.NONE);
      c.node("n3").setWire(WireState.NONE);
      Thread.sleep(1_500); // nothing comes back by itself (no preemption)
      assertThat(c.recorder("n1").vips()).as("only the other pool's VIPs stayed")
          .isEqualTo(others);
    }
  }
}
