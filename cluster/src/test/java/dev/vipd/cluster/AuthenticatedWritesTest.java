package dev.vipd.cluster;

import static dev.vipd.cluster.LocalCluster.ips;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.cluster.election.Policy;
import dev.vipd.cluster.election.Pool;
import dev.vipd.cluster.election.Quorum;
import dev.vipd.cluster.election.Reason;
import dev.vipd.cluster.election.Round;
import dev.vipd.cluster.member.NodeState;
import dev.vipd.cluster.ownership.Assignment;
import dev.vipd.cluster.ownership.AssignmentCodec;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Only values sealed with the cluster secret change anything in the owners and node-status
 * tables: unsigned or wrongly signed puts, deletions and replays of older values are ignored and
 * repaired by whoever wrote the entry. Fake tables, membership and clock; no Hazelcast.
 */
class AuthenticatedWritesTest {
  static final List<InetAddress> WEB = ips("198.51.100.1", "198.51.100.2", "198.51.100.3");
  static final List<Pool> POOLS = List.of(Pool.of("web", WEB));
  static final Policy NONE = new Policy(Quorum.NONE, 2);
  static final String VIP = "198.51.100.1";

  private static final AssignmentCodec FOREIGN =
      new AssignmentCodec(ClusterSecret.of(CoordinatorLab.OTHER_KEY));

  /** This node (n2) is not the writer; the writer n1 assigned every VIP to n2 at epoch 3. */
  private static CoordinatorLab reader() {
    CoordinatorLab lab = new CoordinatorLab("n2", List.of("n1", "n2"), NONE, POOLS);
    lab.membership.members.add(0, lab.member("n1", true));
    lab.publish(lab.state("n1", 1, POOLS, ""));
    AssignmentCodec codec = new AssignmentCodec(lab.secret);
    for (InetAddress vip : WEB) {
      lab.core.onOwnerValue(vip.getHostAddress(),
          codec.seal(new Assignment(vip, "web", "n2", 3, Reason.PLACEMENT, 0, 0)));
    }
    lab.core.evaluate();
    assertThat(lab.recorder.vips()).containsExactlyInAnyOrderElementsOf(WEB);
    return lab;
  }

  /** This node (n1) is alone and writes; it placed every VIP on itself. */
  private static CoordinatorLab writer() {
    CoordinatorLab lab = new CoordinatorLab("n1", List.of("n1"), NONE, POOLS);
    lab.core.evaluate();
    assertThat(lab.published()).hasSize(WEB.size()).containsValue("n1");
    return lab;
  }

  @Test
  void aDeletedOwnerEntryReleasesNothing() {
    try (CoordinatorLab lab = reader()) {
      lab.core.onOwnerRemoved(VIP);
      lab.core.evaluate();
      assertThat(lab.recorder.vips()).containsExactlyInAnyOrderElementsOf(WEB);
      assertThat(lab.registry.get("vipd.cluster.unverified.values").counter().count())
          .isEqualTo(1.0);
    }
  }

  @Test
  void onlyASignedTombstoneReleases() {
    try (CoordinatorLab lab = reader()) {
      Assignment last = new Assignment(WEB.get(0), "web", "n2", 3, Reason.DRAIN, 0, 0);
      lab.core.onOwnerValue(VIP, FOREIGN.sealRemoval(last)); // wrong key
      lab.core.onOwnerValue(VIP, new byte[] {1, 2, 3}); // not even sealed
      lab.core.onOwnerValue(VIP, new AssignmentCodec(lab.secret).seal(last)); // not a removal
      assertThat(lab.recorder.vips()).as("after forged removals").contains(WEB.get(0));

      lab.core.onOwnerValue(VIP, new AssignmentCodec(lab.secret).sealRemoval(last));
      assertThat(lab.recorder.vips()).as("after the signed tombstone")
          .doesNotContain(WEB.get(0));
    }
  }

  @Test
  void aReplayedOlderTombstoneIsIgnoredAndRepairedByTheWriter() {
    try (CoordinatorLab lab = writer()) {
      AssignmentCodec codec = new AssignmentCodec(lab.secret);
      Assignment current = new Assignment(WEB.get(0), "web", "n1", 5, Reason.PLACEMENT, 0, 0);
      byte[] good = codec.seal(current); // the VIP is at epoch 5 now
      lab.tables.owners.put(VIP, good);
      lab.core.onOwnerValue(VIP, good);
      Assignment older = new Assignment(current.vip(), "web", "n1", current.epoch() - 1,
          Reason.DRAIN, 0, 0);
      byte[] replay = codec.sealRemoval(older);
      lab.tables.owners.put(VIP, replay);
      lab.core.onOwnerValue(VIP, replay);
      assertThat(lab.recorder.vips()).contains(current.vip());
      lab.core.evaluate();
      assertThat(lab.tables.owners.get(VIP)).isEqualTo(good);
    }
  }

  @Test
  void theWriterRestoresADeletedOrForgedOwnerEntry() {
    try (CoordinatorLab lab = writer()) {
      byte[] good = lab.tables.owners.get(VIP);
      lab.tables.owners.remove(VIP);
      lab.core.onOwnerRemoved(VIP);
      lab.core.evaluate();
      assertThat(lab.tables.owners.get(VIP)).as("after a deletion").isEqualTo(good);

      byte[] forged = FOREIGN.seal(new Assignment(WEB.get(0), "web", "n9", 99, Reason.PLACEMENT,
          0, 0));
      lab.tables.owners.put(VIP, forged);
      lab.core.onOwnerValue(VIP, forged);
      lab.core.evaluate();
      assertThat(lab.tables.owners.get(VIP)).as("after a forged put").isEqualTo(good);
      assertThat(lab.recorder.vips()).containsExactlyInAnyOrderElementsOf(WEB);
    }
  }

  @Test
  void aForgedOrDeletedNodeStateChangesNothingThatNodePublished() {
    CoordinatorLab lab = new CoordinatorLab("n1", List.of("n1", "n2"), NONE, POOLS);
    try (lab) {
      lab.advanceMillis(Round.SETTLE_MILLIS);
      lab.membership.add(lab.member("n2", true));
      NodeState drained = new NodeState("n2", CoordinatorLab.START_MILLIS, 5, Set.of(), Set.of(),
          true, false, 0, NodeStates.digests(POOLS), "", Set.of());
      lab.publish(drained);
      lab.core.onNodeState("n2", new byte[] {9, 9, 9}); // forged
      NodeState undrained = new NodeState("n2", CoordinatorLab.START_MILLIS, 6, Set.of(),
          Set.of(), false, false, 0, NodeStates.digests(POOLS), "", Set.of());
      byte[] wrongKey = undrained.seal(ClusterSecret.of(CoordinatorLab.OTHER_KEY));
      lab.core.onNodeState("n2", wrongKey);
      lab.core.onNodeStateRemoved("n2");
      lab.core.evaluate();
      assertThat(lab.core.status().members()).filteredOn(m -> m.name().equals("n2"))
          .singleElement().matches(m -> m.drained(), "still drained");
      assertThat(lab.published().values()).as("drained n2 gets nothing").containsOnly("n1");
    }
  }

  @Test
  void aReplayedOlderNodeStateIsIgnored() {
    try (CoordinatorLab lab = new CoordinatorLab("n1", List.of("n1", "n2"), NONE, POOLS)) {
      lab.advanceMillis(Round.SETTLE_MILLIS);
      lab.membership.add(lab.member("n2", true));
      NodeState older = new NodeState("n2", CoordinatorLab.START_MILLIS, 1, Set.of(), Set.of(),
          false, false, 0, NodeStates.digests(POOLS), "", Set.of());
      NodeState newer = new NodeState("n2", CoordinatorLab.START_MILLIS, 2, Set.of(), Set.of(),
          true, false, 0, NodeStates.digests(POOLS), "", Set.of());
      lab.publish(older);
      lab.publish(newer);
      lab.publish(older); // a replay of a validly signed older value
      lab.core.evaluate();
      assertThat(lab.published().values()).as("n2 stays drained").containsOnly("n1");
    }
  }

  @Test
  void aNodeRepairsItsOwnEntryOnceItsWriteHadTimeToLand() {
    try (CoordinatorLab lab = writer()) {
      byte[] own = lab.tables.states.get("n1");
      NodeState published = NodeState.open(own, lab.secret).orElseThrow();
      lab.tables.states.put("n1", new byte[] {1});
      lab.core.onNodeState("n1", new byte[] {1});
      lab.core.evaluate();
      assertThat(lab.tables.states.get("n1")).as("within the grace of its own write")
          .containsExactly(1);
      lab.advanceMillis(1_000);
      lab.core.evaluate();
      NodeState repaired = NodeState.open(lab.tables.states.get("n1"), lab.secret).orElseThrow();
      assertThat(repaired.sequence()).isGreaterThan(published.sequence());

      lab.tables.states.remove("n1");
      lab.core.onNodeStateRemoved("n1");
      lab.advanceMillis(1_000);
      lab.core.evaluate();
      assertThat(NodeState.open(lab.tables.states.get("n1"), lab.secret)).as("after a deletion")
          .hasValueSatisfying(s -> assertThat(s.sequence()).isGreaterThan(repaired.sequence()));
    }
  }

  @Test
  void aRestartWhoseWallClockWentBackIsNotShadowedByTheOldIncarnation() {
    try (CoordinatorLab lab = new CoordinatorLab("n1", List.of("n1", "n2"), NONE, POOLS)) {
      lab.advanceMillis(Round.SETTLE_MILLIS);
      long earlier = CoordinatorLab.START_MILLIS - 60_000;
      lab.membership.add(lab.member("n2", true));
      lab.publish(lab.state("n2", 7, POOLS, ""));
      lab.membership.remove("n2"); // n2 restarts; its clock was set back a minute
      lab.membership.add(new dev.vipd.cluster.member.ViewMember("n2", "127.0.0.2:5701",
          java.util.Map.of(), earlier, dev.vipd.cluster.member.ViewMember.Verification.VERIFIED,
          false));
      lab.publish(new NodeState("n2", earlier, 1, Set.of(), Set.of(), false, false, 0,
          NodeStates.digests(POOLS), "", Set.of()));
      lab.core.evaluate();
      assertThat(lab.published().values()).contains("n2");
    }
  }
}
