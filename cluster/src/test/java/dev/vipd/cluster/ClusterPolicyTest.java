package dev.vipd.cluster;

import static dev.vipd.cluster.ClusterNodeTest.ALL;
import static dev.vipd.cluster.ClusterNodeTest.DB;
import static dev.vipd.cluster.ClusterNodeTest.POOLS;
import static dev.vipd.cluster.ClusterNodeTest.WAIT;
import static dev.vipd.cluster.ClusterNodeTest.WEB;
import static dev.vipd.cluster.ClusterNodeTest.awaitSettled;
import static dev.vipd.cluster.ClusterNodeTest.owners;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vipd.cluster.election.Policy;
import dev.vipd.cluster.election.Pool;
import dev.vipd.cluster.election.Quorum;
import dev.vipd.cluster.election.Reason;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Health, drain, authentication, quorum and preemption on real members in this JVM. */
class ClusterPolicyTest {

  @Test
  void unhealthyPoolMovesAwayAndRecoveryDoesNotMoveBack() throws Exception {
    try (LocalCluster c = new LocalCluster(2, POOLS)) {
      c.startAll();
      awaitSettled(c, Set.of("n1", "n2"));
      String owner = owners(c, "n1").get(WEB.get(0));
      String other = owner.equals("n1") ? "n2" : "n1";
      c.node(owner).setUnhealthyPools(Set.of("web"));
      await().atMost(WAIT).until(() -> WEB.stream()
          .allMatch(vip -> c.recorder(other).vips().contains(vip)));
      assertThat(c.node(other).status().owners().get(WEB.get(0)).reason())
          .isEqualTo(Reason.HEALTH);
      assertThat(c.node(other).status().members()).anyMatch(
          m -> m.name().equals(owner) && m.unhealthyPools().equals(Set.of("web")));
      Map<InetAddress, String> moved = owners(c, other);
      c.node(owner).setUnhealthyPools(Set.of());
      Thread.sleep(2_500);
      assertThat(owners(c, other)).isEqualTo(moved);
      awaitSettled(c, Set.of("n1", "n2"));
    }
  }

  @Test
  void drainHandsEverythingOverAndUndrainTakesNothingBack() throws Exception {
    try (LocalCluster c = new LocalCluster(2, POOLS)) {
      c.startAll();
      awaitSettled(c, Set.of("n1", "n2"));
      assertThat(c.node("n1").drain(WAIT)).isTrue();
      assertThat(c.recorder("n1").vips()).isEmpty();
      await().atMost(WAIT).until(() -> c.recorder("n2").vips().equals(ALL));
      assertThat(c.node("n2").status().members())
          .anyMatch(m -> m.name().equals("n1") && m.drained());
      assertThat(c.recorder("n1").events()).filteredOn(e -> !e.acquired())
          .allMatch(e -> e.reason() == Reason.DRAIN);
      c.node("n1").undrain();
      await().atMost(WAIT).until(() -> c.node("n2").status().members().stream()
          .noneMatch(MemberStatus::drained));
      Thread.sleep(2_000);
      assertThat(c.recorder("n1").vips()).isEmpty();
      // Once n2 drains, n1 (undrained) takes everything.
      assertThat(c.node("n2").drain(WAIT)).isTrue();
      await().atMost(WAIT).until(() -> c.recorder("n1").vips().equals(ALL));
    }
  }

  @Test
  void rogueMemberWithAnotherSecretNeverOwnsAndIsReportedUnverified() throws Exception {
    try (LocalCluster c = new LocalCluster(3, POOLS)) {
      c.start(0);
      c.start(1);
      c.start(2, LocalCluster.OTHER_KEY);
      await().atMost(WAIT).untilAsserted(() -> {
        for (String n : List.of("n1", "n2")) {
          ClusterStatus s = c.node(n).status();
          assertThat(s.members()).hasSize(3);
          assertThat(s.members()).anyMatch(m -> m.name().equals("n3") && !m.verified());
          assertThat(s.owners().keySet()).isEqualTo(ALL);
          assertThat(s.owners().values()).noneMatch(a -> a.node().equals("n3"));
        }
        ClusterStatus rogue = c.node("n3").status();
        assertThat(rogue.members()).filteredOn(MemberStatus::self)
            .singleElement().matches(m -> !m.verified());
      });
      // n3 is not eligible even when everybody else is drained away.
      assertThat(c.node("n1").drain(WAIT)).isTrue();
      Thread.sleep(1_500);
      assertThat(c.recorder("n3").vips()).isEmpty();
      assertThat(c.recorder("n2").vips()).isEqualTo(ALL);
      assertThat(c.registries.get("n1").get("vipd.cluster.unverified.members").gauge().value())
          .isEqualTo(1.0);
    }
  }

  @Test
  void majorityWithOneOfThreeUpOwnsNothing() throws Exception {
    try (LocalCluster c = new LocalCluster(3, new Policy(Quorum.MAJORITY, 3), POOLS)) {
      c.start(0);
      Thread.sleep(2_000);
      ClusterStatus s = c.node("n1").status();
      assertThat(s.quorum()).isFalse();
      assertThat(s.owners()).isEmpty();
      assertThat(c.recorder("n1").vips()).isEmpty();
      assertThat(c.registries.get("n1").get("vipd.cluster.quorum").gauge().value()).isZero();
      c.start(1);
      await().atMost(WAIT).until(() -> c.node("n1").status().quorum()
          && c.node("n1").status().owners().size() == ALL.size());
      // Back to one member: the survivor releases everything at once, reason quorum-lost.
      c.stop("n2");
      await().atMost(WAIT).until(() -> c.recorder("n1").vips().isEmpty());
      assertThat(c.recorder("n1").events()).filteredOn(e -> !e.acquired())
          .isNotEmpty().allMatch(e -> e.reason() == Reason.QUORUM_LOST);
    }
  }

  @Test
  void preferredNodeWithPreemptTakesItsVipsBackAfterTheDelay() throws Exception {
    Pool web = new Pool("web", WEB, Map.of(), List.of("n1"), true, Duration.ofSeconds(2));
    List<Pool> pools = List.of(web, Pool.of("db", DB));
    try (LocalCluster c = new LocalCluster(2, pools)) {
      c.start(1); // n2 first: it owns everything
      await().atMost(WAIT).until(() -> c.recorder("n2").vips().size() == ALL.size());
      long joined = System.nanoTime();
      c.start(0);
      await().atMost(WAIT).until(() -> c.recorder("n1").vips().containsAll(WEB));
      assertThat(System.nanoTime() - joined).isGreaterThan(Duration.ofSeconds(2).toNanos());
      assertThat(c.node("n1").status().owners().get(WEB.get(0)).reason())
          .isEqualTo(Reason.PREEMPT);
      // db has no preference: sticky on n2.
      assertThat(c.recorder("n2").vips()).containsAll(DB);
    }
  }
}
