package dev.vipd.cluster;

import static dev.vipd.cluster.LocalCluster.ips;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.cluster.election.Policy;
import dev.vipd.cluster.election.Pool;
import dev.vipd.cluster.election.Quorum;
import dev.vipd.cluster.election.Reason;
import dev.vipd.cluster.election.Round;
import dev.vipd.cluster.ownership.Assignment;
import dev.vipd.cluster.ownership.AssignmentCodec;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The coordinator's decisions on a fake table, membership and clock: no Hazelcast. */
class CoordinatorTest {
  static final List<InetAddress> WEB = ips("198.51.100.1", "198.51.100.2", "198.51.100.3");
  static final List<Pool> POOLS = List.of(Pool.of("web", WEB));
  static final Policy NONE = new Policy(Quorum.NONE, 3);
  static final List<String> THREE = List.of("n1", "n2", "n3");

  @Test
  void theOldestVerifiedUnsuspectedMemberWritesAndNoOtherDoes() {
    try (CoordinatorLab lab = new CoordinatorLab("n2", THREE, NONE, POOLS)) {
      lab.membership.members.add(0, lab.member("n1", true)); // n1 is older than this node
      lab.publish(lab.state("n1", 1, POOLS, ""));
      lab.join("n3");
      lab.core.evaluate();
      assertThat(lab.core.status().writer()).isEqualTo("n1");
      assertThat(lab.tables.writes).isEmpty();

      lab.membership.suspects.add("n1"); // the older one is suspected: the next one writes
      lab.core.evaluate();
      assertThat(lab.core.status().writer()).isEqualTo("n2");
      assertThat(lab.published().keySet()).hasSize(WEB.size());
      assertThat(lab.published().values()).doesNotContain("n1");
    }
  }

  @Test
  void anUnverifiedOlderMemberIsNeverTheWriter() {
    try (CoordinatorLab lab = new CoordinatorLab("n2", THREE, NONE, POOLS)) {
      lab.membership.members.add(0, lab.member("n1", false));
      lab.join("n3");
      lab.advanceMillis(Round.SETTLE_MILLIS); // n1 never counts as joined: wait the window out
      lab.core.evaluate();
      assertThat(lab.core.status().writer()).isEqualTo("n2");
      assertThat(lab.published().values()).containsOnly("n2", "n3");
    }
  }

  @Test
  void aColdStartHoldsNewVipsBackUntilThePeersJoinOrTheWindowPasses() {
    try (CoordinatorLab lab = new CoordinatorLab("n1", THREE, NONE, POOLS)) {
      lab.core.joined();
      lab.core.evaluate();
      assertThat(lab.tables.writes).as("alone, within the window").isEmpty();
      lab.advanceMillis(Round.SETTLE_MILLIS - 1);
      lab.core.evaluate();
      assertThat(lab.tables.writes).as("one millisecond before the window ends").isEmpty();
      lab.advanceMillis(1);
      lab.core.evaluate();
      assertThat(lab.published()).hasSize(WEB.size()).containsValue("n1");
      assertThat(lab.recorder.vips()).containsExactlyInAnyOrderElementsOf(WEB);
    }
  }

  @Test
  void hostsThatJoinWithinTheWindowShareTheVips() {
    try (CoordinatorLab lab = new CoordinatorLab("n1", THREE, NONE, POOLS)) {
      lab.core.joined();
      lab.join("n2");
      lab.core.evaluate();
      assertThat(lab.tables.writes).isEmpty();
      lab.join("n3");
      lab.core.evaluate(); // all three published: no need to wait out the window
      assertThat(lab.published().values()).containsExactlyInAnyOrder("n1", "n2", "n3");
    }
  }

  @Test
  void aMinorityReleasesAtOnceAndWritesNothing() {
    Policy majority = new Policy(Quorum.MAJORITY, 3);
    try (CoordinatorLab lab = new CoordinatorLab("n1", THREE, majority, POOLS)) {
      lab.join("n2");
      lab.join("n3");
      lab.core.evaluate();
      assertThat(lab.core.status().quorum()).isTrue();
      Set<InetAddress> held = lab.recorder.vips();
      assertThat(held).hasSize(1);

      lab.membership.remove("n2");
      lab.membership.remove("n3");
      int writes = lab.tables.writes.size();
      lab.core.evaluate();
      assertThat(lab.core.status().quorum()).isFalse();
      assertThat(lab.core.mayAnswer()).isFalse();
      assertThat(lab.recorder.vips()).isEmpty();
      assertThat(lab.recorder.events()).filteredOn(e -> !e.acquired())
          .extracting(Recorder.Event::reason).containsOnly(Reason.QUORUM_LOST);
      assertThat(lab.tables.writes).hasSize(writes);
    }
  }

  @Test
  void aNodeThatCanVerifyNoPeerOwnsNothingAndWritesNothing() {
    try (CoordinatorLab lab = new CoordinatorLab("n3", THREE, NONE, POOLS)) {
      lab.membership.members.add(0, lab.member("n1", false));
      lab.membership.members.add(1, lab.member("n2", false));
      lab.advanceMillis(Round.SETTLE_MILLIS);
      lab.core.evaluate();
      ClusterStatus s = lab.core.status();
      assertThat(s.writer()).isNull();
      assertThat(s.members()).allMatch(m -> !m.verified());
      assertThat(lab.core.mayAnswer()).isFalse();
      assertThat(lab.tables.writes).isEmpty();

      // A value sealed with the others' key does not verify here: it is ignored and counted.
      byte[] foreign = new AssignmentCodec(ClusterSecret.of(CoordinatorLab.OTHER_KEY)).seal(
          new Assignment(WEB.get(0), "web", "n3", 1, Reason.PLACEMENT, 0, 0));
      lab.core.onOwnerValue("198.51.100.1", foreign);
      assertThat(lab.core.status().owners()).isEmpty();
      assertThat(lab.registry.get("vipd.cluster.unverified.values").counter().count())
          .isEqualTo(1.0);
      assertThat(lab.recorder.events()).isEmpty();
    }
  }

  @Test
  void aValueUnderTheWrongKeyIsRepairedByTheWriter() {
    try (CoordinatorLab lab = new CoordinatorLab("n1", List.of("n1"), NONE, POOLS)) {
      lab.core.evaluate();
      byte[] good = lab.tables.owners.get("198.51.100.1");
      assertThat(good).isNotNull();
      lab.core.onOwnerValue("198.51.100.1", new byte[] {1, 2, 3});
      lab.tables.owners.put("198.51.100.1", new byte[] {1, 2, 3});
      lab.core.evaluate();
      assertThat(lab.tables.owners.get("198.51.100.1")).isEqualTo(good);
    }
  }

  @Test
  void aFencedWriterWritesNothingAndWritesAgainOnceUnfenced() {
    try (CoordinatorLab lab = new CoordinatorLab("n1", List.of("n1"), NONE, POOLS)) {
      lab.fenced.set(true);
      lab.core.evaluate();
      assertThat(lab.tables.writes).isEmpty();
      assertThat(lab.core.status().fenced()).isTrue();
      lab.fenced.set(false);
      lab.core.evaluate();
      assertThat(lab.published()).hasSize(WEB.size());
      assertThat(lab.core.status().fenced()).isFalse();
    }
  }
}
