package dev.vipd.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.cluster.election.Round;
import dev.vipd.cluster.member.ViewMember;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The trust rule (issue 8, rule 1) on a fake table, membership and clock. */
class TrustRuleTest {

  @Test
  void aNodeThatVerifiedAPeerKeepsServingBesideAWrongKeyMemberWhenThatPeerDies() {
    try (CoordinatorLab lab = new CoordinatorLab("n1", CoordinatorTest.THREE,
        CoordinatorTest.NONE, CoordinatorTest.POOLS)) {
      lab.join("n2");
      lab.membership.add(lab.member("n3", false)); // the wrong-key joiner
      lab.advanceMillis(Round.SETTLE_MILLIS);
      lab.core.evaluate();
      assertThat(lab.core.mayAnswer()).isTrue();
      assertThat(lab.published().values()).containsOnly("n1", "n2");

      lab.membership.remove("n2"); // the last honest peer dies
      lab.core.evaluate();
      assertThat(lab.core.mayAnswer()).isTrue();
      assertThat(lab.core.status().problems()).isEmpty();
      assertThat(lab.published().values()).containsOnly("n1");
      assertThat(lab.recorder.vips()).containsExactlyInAnyOrderElementsOf(CoordinatorTest.WEB);
    }
  }

  @Test
  void aNodeThatSawOnlyUnverifiableMembersOwnsNothingEvenAfterTheyAreGone() {
    try (CoordinatorLab lab = new CoordinatorLab("n3", CoordinatorTest.THREE,
        CoordinatorTest.NONE, CoordinatorTest.POOLS)) {
      lab.membership.members.add(0, lab.member("n1", false));
      lab.membership.members.add(1, lab.member("n2", false));
      lab.core.evaluate();
      assertThat(lab.core.mayAnswer()).isFalse();

      lab.membership.remove("n1");
      lab.membership.remove("n2");
      lab.advanceMillis(Round.SETTLE_MILLIS);
      lab.core.evaluate();
      assertThat(lab.core.mayAnswer()).isFalse();
      assertThat(lab.tables.writes).isEmpty();
      assertThat(lab.recorder.events()).isEmpty();
      assertThat(lab.core.status().problems()).singleElement().asString()
          .contains("verified no peer", "n1@127.0.0.1:5701", "cluster.secret-file");
      assertThat(lab.core.status().members()).singleElement()
          .matches(m -> m.self() && !m.verified());

      lab.join("n1"); // a peer it can verify: its key was right after all
      lab.core.evaluate();
      assertThat(lab.core.mayAnswer()).isTrue();
      assertThat(lab.core.status().problems()).isEmpty();
    }
  }

  @Test
  void aYoungerMemberWithThisNodesNameIsNotAnUnverifiableOne() {
    try (CoordinatorLab lab = new CoordinatorLab("n1", java.util.List.of("n1"),
        CoordinatorTest.NONE, CoordinatorTest.POOLS)) {
      lab.membership.add(new ViewMember("n1", "127.0.0.9:5701", Map.of(),
          CoordinatorLab.START_MILLIS + 1, ViewMember.Verification.DUPLICATE_NAME, false));
      lab.core.evaluate();
      assertThat(lab.core.mayAnswer()).isTrue();
      assertThat(lab.published().values()).containsOnly("n1");
      assertThat(lab.membership.beaconPeers).isEmpty();
    }
  }

  @Test
  void aNodeWhosePeersLeftBeforeItsFirstLookOwnsNothingWhenItCouldNotVerifyTheirValues() {
    // Joined while n1 and n2 were up (it read their node-status values, sealed with another key)
    // but they were gone before its first evaluation: the values are the only evidence.
    try (CoordinatorLab lab = new CoordinatorLab("n3", CoordinatorTest.THREE,
        CoordinatorTest.NONE, CoordinatorTest.POOLS)) {
      ClusterSecret other = ClusterSecret.of(CoordinatorLab.OTHER_KEY);
      lab.core.onNodeState("n1", lab.state("n1", 1, CoordinatorTest.POOLS, "").seal(other));
      lab.core.onNodeState("n2", lab.state("n2", 1, CoordinatorTest.POOLS, "").seal(other));
      lab.advanceMillis(Round.SETTLE_MILLIS);
      lab.core.evaluate();
      assertThat(lab.core.mayAnswer()).isFalse();
      assertThat(lab.tables.writes).isEmpty();
      assertThat(lab.recorder.events()).isEmpty();
      assertThat(lab.core.status().problems()).singleElement().asString()
          .contains("n1 (its node-status value)");

      lab.join("n1"); // verifies a peer after all
      lab.core.evaluate();
      assertThat(lab.core.mayAnswer()).isTrue();
    }
  }

  @Test
  void anUnverifiableValueDoesNotUnsettleANodeThatVerifiedAPeer() {
    try (CoordinatorLab lab = new CoordinatorLab("n1", CoordinatorTest.THREE,
        CoordinatorTest.NONE, CoordinatorTest.POOLS)) {
      lab.join("n2");
      lab.core.evaluate();
      lab.core.onNodeState("n3", new byte[] {1, 2, 3});
      lab.core.onNodeState("n1", new byte[] {1, 2, 3}); // its own name: never evidence
      lab.advanceMillis(Round.SETTLE_MILLIS);
      lab.core.evaluate();
      assertThat(lab.core.mayAnswer()).isTrue();
      assertThat(lab.core.status().problems()).isEmpty();
    }
  }
}
