package dev.vipd.cluster;

import static dev.vipd.cluster.ClusterNodeTest.ALL;
import static dev.vipd.cluster.ClusterNodeTest.POOLS;
import static dev.vipd.cluster.ClusterNodeTest.WAIT;
import static dev.vipd.cluster.ClusterNodeTest.awaitSettled;
import static dev.vipd.cluster.ClusterNodeTest.owners;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.replicatedmap.ReplicatedMap;
import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.cluster.election.Reason;
import dev.vipd.cluster.member.HazelcastConfigs;
import dev.vipd.cluster.member.NodeState;
import dev.vipd.cluster.member.OwnerEvent;
import dev.vipd.cluster.ownership.Assignment;
import dev.vipd.cluster.ownership.AssignmentCodec;
import dev.vipd.cluster.ownership.Vips;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A real Hazelcast member without the cluster secret (plain {@code HazelcastInstance}, the
 * cluster's own network configuration, no vipd identity) joins two vipd members and writes the
 * tables: it deletes and overwrites every entry of {@code vipd-owners} and {@code vipd-nodes},
 * with garbage and with values sealed under another key, and publishes forged ownership events.
 * Nothing moves, nothing is released, and the entries are restored with validly signed values.
 */
class RogueWriterTest {

  @Test
  void aMemberWithoutTheSecretMovesNothingAndItsWritesAreRepaired() throws Exception {
    try (LocalCluster c = new LocalCluster(2, POOLS)) {
      c.startAll();
      awaitSettled(c, Set.of("n1", "n2"));
      Map<InetAddress, String> before = owners(c, "n1");
      int events = c.log.size();

      List<InetSocketAddress> peers = List.of(
          new InetSocketAddress(LocalCluster.host(0), c.hazelcastPort),
          new InetSocketAddress(LocalCluster.host(1), c.hazelcastPort));
      HazelcastInstance rogue = Hazelcast.newHazelcastInstance(HazelcastConfigs.build(c.name,
          "rogue", LocalCluster.host(5), c.hazelcastPort, peers, Map.of()));
      try {
        await().atMost(WAIT).until(() -> c.node("n1").status().members().size() == 3);
        attack(rogue);

        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
          ReplicatedMap<String, byte[]> table = rogue.getReplicatedMap(HazelcastConfigs.OWNERS);
          AssignmentCodec codec = new AssignmentCodec(ClusterSecret.of(LocalCluster.KEY));
          for (InetAddress vip : ALL) {
            Assignment a = codec.open(table.get(Vips.format(vip))).orElse(null);
            assertThat(a).as("owners entry of %s restored", vip).isNotNull();
            assertThat(a.node()).isEqualTo(before.get(vip));
          }
          ReplicatedMap<String, byte[]> nodes = rogue.getReplicatedMap(HazelcastConfigs.NODES);
          for (String n : List.of("n1", "n2")) {
            assertThat(NodeState.open(nodes.get(n), ClusterSecret.of(LocalCluster.KEY)))
                .as("node entry of %s restored", n).isPresent();
          }
        });
        Thread.sleep(1_500); // a few more writer ticks
        assertThat(owners(c, "n1")).isEqualTo(before);
        assertThat(owners(c, "n2")).isEqualTo(before);
        assertThat(c.log.subList(events, c.log.size())).as("acquisitions and releases").isEmpty();
        for (String n : List.of("n1", "n2")) {
          assertThat(c.node(n).status().members()).filteredOn(m -> !m.verified())
              .as("the rogue as %s sees it", n).hasSize(1);
          assertThat(c.registries.get(n).get("vipd.cluster.unverified.values").counter()
              .count()).as("forged values counted by %s", n).isPositive();
        }
      } finally {
        rogue.getLifecycleService().terminate();
      }
    }
  }

  /** Deletes and overwrites every entry, and publishes forged events. */
  private static void attack(HazelcastInstance rogue) throws Exception {
    ReplicatedMap<String, byte[]> owners = rogue.getReplicatedMap(HazelcastConfigs.OWNERS);
    ReplicatedMap<String, byte[]> nodes = rogue.getReplicatedMap(HazelcastConfigs.NODES);
    AssignmentCodec foreign = new AssignmentCodec(ClusterSecret.of(LocalCluster.OTHER_KEY));
    List<InetAddress> vips = new ArrayList<>(ALL);
    for (int i = 0; i < vips.size(); i++) {
      String key = Vips.format(vips.get(i));
      Assignment mine = new Assignment(vips.get(i), "web", "rogue", 1_000, Reason.PLACEMENT, 0, 0);
      owners.remove(key);
      switch (i % 3) {
        case 0 -> owners.put(key, new byte[] {1, 2, 3});
        case 1 -> owners.put(key, foreign.seal(mine));
        default -> owners.put(key, foreign.sealRemoval(mine));
      }
      rogue.<byte[]>getTopic(HazelcastConfigs.OWNER_EVENTS).publish(
          new OwnerEvent(OwnerEvent.Kind.REMOVED, foreign.sealRemoval(mine)).encode());
    }
    nodes.remove("n2");
    nodes.put("n1", new byte[] {4, 5, 6});
    NodeState drained = new NodeState("n2", 0, Long.MAX_VALUE, Set.of(), Set.of(), true, true, 0,
        Map.of(), "", Set.of());
    nodes.put("n2", drained.seal(ClusterSecret.of(LocalCluster.OTHER_KEY)));
  }
}
