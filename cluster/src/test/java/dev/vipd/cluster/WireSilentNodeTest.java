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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
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
      Map<InetAddress, Assignment> table = c.node("n1").status().owners();
      // The owner under test: whichever node holds a VIP of the pool (placement spreads them).
      String owner = table.values().stream().filter(a -> a.pool().equals(pool))
          .map(Assignment::node).sorted().findFirst().orElseThrow();
      List<String> peers = Stream.of("n1", "n2", "n3").filter(n -> !n.equals(owner)).toList();
      String suspect = peers.get(0);
      String trusted = peers.get(1);
      Set<InetAddress> all = c.recorder(owner).vips();
      Set<InetAddress> held = new HashSet<>(all);
      held.removeIf(v -> !table.get(v).pool().equals(pool));
      Set<InetAddress> others = new HashSet<>(all);
      others.removeAll(held);
      assertThat(held).isNotEmpty();
      long ownerStart = c.node(trusted).status().members().stream()
          .filter(m -> m.name().equals(owner)).findFirst().orElseThrow().startTimeMillis();
      Set<Silent> report = Set.of(new Silent(pool, owner, ownerStart));

      c.node(suspect).setWire(new WireState(Map.of(), report, true)); // suspects itself
      Thread.sleep(1_500); // several writer ticks: a lone suspect's report moves nothing
      assertThat(c.recorder(owner).vips()).isEqualTo(all);

      c.node(trusted).setWire(new WireState(Map.of(), report, false));
      await().atMost(WAIT).pollInterval(Duration.ofMillis(20))
          .untilAsserted(() -> assertThat(c.recorder(owner).vips()).isEqualTo(others));
      for (InetAddress vip : held) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(
            c.node(trusted).status().owners().get(vip).reason()).isEqualTo(Reason.WIRE_SILENT));
      }
      c.node(trusted).setWire(WireState.NONE);
      c.node(suspect).setWire(WireState.NONE);
      Thread.sleep(1_500); // nothing comes back by itself (no preemption)
      assertThat(c.recorder(owner).vips()).as("only the other pool's VIPs stayed")
          .isEqualTo(others);
    }
  }
}
