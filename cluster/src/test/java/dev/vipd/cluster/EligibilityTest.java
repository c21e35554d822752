package dev.vipd.cluster;

import static dev.vipd.cluster.LocalCluster.ips;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.cluster.election.Policy;
import dev.vipd.cluster.election.Pool;
import dev.vipd.cluster.election.Quorum;
import dev.vipd.cluster.election.Reason;
import dev.vipd.cluster.election.Round;
import dev.vipd.cluster.member.NodeState;
import dev.vipd.cluster.ownership.Assignment;
import dev.vipd.cluster.ownership.AssignmentCodec;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Placement and eligibility as the writer decides them, on a fake table, membership and clock
 * (no Hazelcast): only nodes that declare a pool get its VIPs, and fenced, settling and
 * unverified nodes get none. This node (n1) is the oldest member, so it writes.
 */
class EligibilityTest {
  static final List<InetAddress> WEB =
      ips("198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4", "198.51.100.5",
          "198.51.100.6");
  static final List<Pool> POOLS = List.of(Pool.of("web", WEB));
  static final Policy NONE = new Policy(Quorum.NONE, 3);
  static final List<String> THREE = List.of("n1", "n2", "n3");

  /** A lab whose cold-start and pool settle windows have passed. */
  private static CoordinatorLab settled(List<Pool> pools) {
    CoordinatorLab lab = new CoordinatorLab("n1", THREE, NONE, pools);
    lab.advanceMillis(Round.SETTLE_MILLIS);
    return lab;
  }

  private static NodeState standing(CoordinatorLab lab, String name, String standby) {
    return lab.state(name, 2, lab.pools, standby);
  }

  /** Drains this node (n1): its VIPs move to whoever else is eligible. */
  private static void drainSelf(CoordinatorLab lab) {
    lab.core.updateSelf(lab.core.selfStatus().withDrained(true, lab.ticker[0]));
    lab.core.evaluate();
  }

  @Test
  void vipsArePlacedOnlyOnNodesThatDeclareThePool() {
    try (CoordinatorLab lab = settled(POOLS)) {
      lab.join("n2");
      lab.membership.add(lab.member("n3", true));
      lab.publish(lab.state("n3", 1, List.of(), "")); // n3 has not loaded "web"
      lab.core.evaluate();
      assertThat(lab.published()).hasSize(WEB.size());
      assertThat(lab.published().values()).containsOnly("n1", "n2");
    }
  }

  @Test
  void aPoolWithOtherAddressesIsNotDeclaredButKeepsWhatItOwns() {
    List<Pool> other = List.of(Pool.of("web", WEB.subList(0, 5))); // one address fewer
    try (CoordinatorLab lab = settled(POOLS)) {
      lab.join("n2");
      lab.membership.add(lab.member("n3", true));
      lab.publish(lab.state("n3", 1, other, ""));
      lab.core.evaluate();
      assertThat(lab.published().values()).as("digest differs: no placement")
          .containsOnly("n1", "n2");

      // n3 owns a VIP already (e.g. placed before a rolling reload added an address): it keeps it
      Assignment owned = new Assignment(WEB.get(0), "web", "n3", 9, Reason.PLACEMENT, 0, 0);
      lab.core.onOwnerValue("198.51.100.1", new AssignmentCodec(lab.secret).seal(owned));
      int writes = lab.tables.writes.size();
      lab.core.evaluate();
      assertThat(lab.core.status().owners().get(WEB.get(0)).node()).isEqualTo("n3");
      assertThat(lab.tables.writes.subList(writes, lab.tables.writes.size()))
          .as("nothing moved").isEmpty();
    }
  }

  @Test
  void aNodeWithoutThePoolLosesWhatItOwnsOfIt() {
    try (CoordinatorLab lab = settled(POOLS)) {
      lab.join("n2");
      lab.join("n3");
      lab.core.evaluate();
      List<String> ofN3 = lab.published().entrySet().stream()
          .filter(e -> e.getValue().equals("n3")).map(Map.Entry::getKey).toList();
      assertThat(ofN3).isNotEmpty();
      lab.publish(lab.state("n3", 2, List.of(), "")); // n3 reloaded without "web"
      lab.core.evaluate();
      assertThat(lab.published().values()).doesNotContain("n3");
    }
  }

  @Test
  void fencedSettlingAndUntrustedNodesGetNoNewOrOrphanedVips() {
    for (String standby : List.of("fenced", "merging", "untrusted")) {
      try (CoordinatorLab lab = settled(POOLS)) {
        lab.join("n2");
        lab.join("n3");
        lab.publish(standing(lab, "n2", standby));
        lab.core.evaluate();
        assertThat(lab.published().values()).as("new VIPs, n2 %s", standby)
            .containsOnly("n1", "n3");

        lab.membership.remove("n3"); // n3's VIPs are orphaned: n2 gets none of them
        lab.core.evaluate();
        assertThat(lab.published().values()).as("orphans, n2 %s", standby).containsOnly("n1");

        lab.publish(lab.state("n2", 3, lab.pools, "")); // back: eligible again
        drainSelf(lab);
        assertThat(lab.published().values()).as("n2 no longer %s", standby).containsOnly("n2");
      }
    }
  }

  @Test
  void aNodeThatTurnsStandbyLosesItsVips() {
    try (CoordinatorLab lab = settled(POOLS)) {
      lab.join("n2");
      lab.core.evaluate();
      assertThat(lab.published().values()).contains("n2");
      lab.publish(standing(lab, "n2", "fenced"));
      lab.core.evaluate();
      assertThat(lab.published().values()).containsOnly("n1");
    }
  }

  @Test
  void aNodeThatHasNotPublishedSinceJoiningGetsNothing() {
    try (CoordinatorLab lab = settled(POOLS)) {
      lab.membership.add(lab.member("n2", true)); // joined, has not read the tables yet
      lab.core.evaluate();
      assertThat(lab.published().values()).containsOnly("n1");
      lab.publish(lab.state("n2", 1, POOLS, ""));
      drainSelf(lab);
      assertThat(lab.published().values()).as("once published").containsOnly("n2");
    }
  }

  @Test
  void anUnverifiedMemberGetsNothingWhateverItPublishes() {
    try (CoordinatorLab lab = settled(POOLS)) {
      lab.join("n3"); // a verified peer: this node trusts its key beside an unverifiable one
      lab.membership.add(lab.member("n2", false));
      lab.publish(lab.state("n2", 1, POOLS, "")); // validly signed state, unverified identity
      lab.core.evaluate();
      assertThat(lab.published()).hasSize(WEB.size());
      assertThat(lab.published().values()).containsOnly("n1", "n3");
    }
  }

  @Test
  void preemptionCountsThePublishedAgeOnThisNodesMonotonicClock() {
    List<Pool> preempting = List.of(new Pool("web", WEB, Map.of(), List.of("n2"), true,
        Duration.ofSeconds(30)));
    try (CoordinatorLab lab = settled(preempting)) {
      lab.core.evaluate();
      assertThat(lab.published().values()).containsOnly("n1");

      lab.membership.add(lab.member("n2", true));
      lab.publish(new NodeState("n2", CoordinatorLab.START_MILLIS, 1, Set.of(), Set.of(), false,
          false, 29_000, NodeStates.digests(preempting), "", Set.of()));
      lab.core.evaluate();
      assertThat(lab.published().values()).as("eligible for 29 s of 30").containsOnly("n1");

      lab.clock.millis += Duration.ofDays(3).toMillis(); // the wall clock jumps: nothing moves
      lab.core.evaluate();
      assertThat(lab.published().values()).as("after a wall-clock jump").containsOnly("n1");

      lab.ticker[0] += Duration.ofMillis(999).toNanos();
      lab.core.evaluate();
      assertThat(lab.published().values()).as("29.999 s").containsOnly("n1");
      lab.ticker[0] += Duration.ofMillis(1).toNanos();
      lab.core.evaluate();
      assertThat(lab.published().values()).as("30 s on this node's ticker").containsOnly("n2");
    }
  }

  @Test
  void aNodePublishesAgesNotTimestamps() {
    try (CoordinatorLab lab = settled(POOLS)) {
      lab.advanceMillis(12_345);
      lab.core.evaluate();
      NodeState own = NodeState.open(lab.tables.states.get("n1"), lab.secret).orElseThrow();
      // eligible since the lab started: 5 s settle + 12.345 s, whatever the wall clock says
      assertThat(own.eligibleForMillis()).isEqualTo(Round.SETTLE_MILLIS + 12_345);
      lab.clock.millis -= Duration.ofDays(1).toMillis();
      lab.core.updateSelf(lab.core.selfStatus().withDrained(true, lab.ticker[0]));
      NodeState drained = NodeState.open(lab.tables.states.get("n1"), lab.secret).orElseThrow();
      assertThat(drained.eligibleForMillis()).isEqualTo(Round.SETTLE_MILLIS + 12_345);
      assertThat(drained.sequence()).isGreaterThan(own.sequence());
    }
  }
}
