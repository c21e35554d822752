package dev.vipd.cluster.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vipd.cluster.election.Reason;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The merge decision after a healed split, and the table's merge policy that follows it. */
class HealDecisionTest {
  private static final InetAddress VIP = ip("198.51.100.1");
  private static final Predicate<String> ALL_ALIVE = n -> true;

  private static InetAddress ip(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static Assignment a(String node, long epoch, Reason reason) {
    return new Assignment(VIP, "web", node, epoch, reason, 0, 0);
  }

  @Test
  void theOwnerFromBeforeTheSplitKeepsAVipTheIsolatedSideTookOver() {
    Assignment kept = a("n1", 4, Reason.PLACEMENT); // n1 never lost it on its side
    Assignment takenOver = a("n3", 5, Reason.MEMBER_LOST); // the cut-off n3 minted epoch + 1
    assertThat(HealDecision.winner(kept, takenOver, ALL_ALIVE)).isEqualTo(kept);
    assertThat(HealDecision.winner(takenOver, kept, ALL_ALIVE)).isEqualTo(kept);
    // the plain rule would have given it to the isolated side:
    assertThat(Precedence.wins(takenOver, kept)).isTrue();
  }

  @Test
  void aTakeoverWinsWhenTheOwnerFromBeforeTheSplitIsGoneOrIneligible() {
    Assignment kept = a("n1", 4, Reason.PLACEMENT);
    Assignment takenOver = a("n3", 5, Reason.MEMBER_SUSPECTED);
    Predicate<String> n1Gone = n -> !n.equals("n1");
    assertThat(HealDecision.winner(kept, takenOver, n1Gone)).isEqualTo(takenOver);
  }

  @Test
  void betweenTwoTakeoversTheAliveOneThenTheHigherEpochWins() {
    Assignment one = a("n1", 6, Reason.MEMBER_LOST);
    Assignment other = a("n3", 5, Reason.MEMBER_LOST);
    assertThat(HealDecision.winner(one, other, ALL_ALIVE)).isEqualTo(one);
    assertThat(HealDecision.winner(one, other, n -> n.equals("n3"))).isEqualTo(other);
    Assignment tie = a("n0", 6, Reason.MEMBER_LOST);
    assertThat(HealDecision.winner(one, tie, ALL_ALIVE)).as("equal epochs: smaller name")
        .isEqualTo(tie);
  }

  @Test
  void theSameNodeOnBothSidesNeedsNoDecision() {
    Assignment lower = a("n2", 3, Reason.PLACEMENT);
    Assignment higher = a("n2", 4, Reason.MEMBER_LOST);
    assertThat(HealDecision.winner(lower, higher, n -> false)).isEqualTo(higher);
  }

  @Test
  void theResolvedAssignmentHasAnEpochAboveBothAndTheFloor() {
    Assignment kept = a("n1", 4, Reason.PLACEMENT);
    Assignment takenOver = a("n3", 5, Reason.MEMBER_LOST);
    Assignment fresh = HealDecision.resolve(kept, takenOver, 5, 77);
    assertThat(fresh.node()).isEqualTo("n1");
    assertThat(fresh.epoch()).isEqualTo(6);
    assertThat(HealDecision.resolve(kept, takenOver, 9, 77).epoch()).isEqualTo(10);
    assertThat(Precedence.wins(fresh, takenOver)).as("every tracker accepts it").isTrue();
  }

  @Test
  void twoVipsAreRefused() {
    Assignment other = new Assignment(ip("198.51.100.2"), "web", "n1", 1, Reason.PLACEMENT, 0, 0);
    assertThatThrownBy(() -> HealDecision.winner(a("n1", 1, Reason.PLACEMENT), other, ALL_ALIVE))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two VIPs");
  }

  @Test
  void theTableMergeKeepsTheOwnerFromBeforeTheSplit() {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 3);
    AssignmentCodec codec = new AssignmentCodec(dev.vipd.cluster.auth.ClusterSecret.of(key));
    byte[] kept = codec.seal(a("n1", 4, Reason.PLACEMENT));
    byte[] takenOver = codec.seal(a("n3", 5, Reason.MEMBER_LOST));
    assertThat(OwnersMergePolicy.prefersMerging(takenOver, kept)).isFalse();
    assertThat(OwnersMergePolicy.prefersMerging(kept, takenOver)).isTrue();
    byte[] sameNode = codec.seal(a("n1", 5, Reason.MEMBER_LOST));
    assertThat(OwnersMergePolicy.prefersMerging(sameNode, kept)).as("same node: epoch")
        .isTrue();
    assertThat(Set.of(Reason.MEMBER_LOST, Reason.MEMBER_SUSPECTED))
        .allMatch(r -> HealDecision.takeover(a("x", 1, r)));
    assertThat(HealDecision.takeover(a("x", 1, Reason.DRAIN))).isFalse();
  }
}
