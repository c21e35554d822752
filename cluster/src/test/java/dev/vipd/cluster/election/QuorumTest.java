package dev.vipd.cluster.election;

import static dev.vipd.cluster.election.Fixtures.healthy;
import static dev.vipd.cluster.election.Fixtures.ip;
import static dev.vipd.cluster.election.Fixtures.suspected;
import static dev.vipd.cluster.election.Fixtures.unverified;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Quorum examples; the property tests cover random views. */
class QuorumTest {
  private static final InetAddress WEB_VIP = ip("198.51.100.10");
  private static final InetAddress DB_VIP = ip("2001:db8::10");
  private static final List<Pool> POOLS =
      List.of(Pool.of("web", List.of(WEB_VIP)), Pool.of("db", List.of(DB_VIP)));

  private static ElectionInput majorityOf(
      int expected, List<Node> nodes, Map<InetAddress, Ownership> current) {
    return new ElectionInput(
        nodes, POOLS, current, Set.of(), new Policy(Quorum.MAJORITY, expected), 0);
  }

  @ParameterizedTest(name = "expected-size {0}: {1} members needed")
  @CsvSource({"1, 1", "2, 2", "3, 2", "4, 3", "5, 3", "7, 4"})
  void majorityNeedsHalfTheExpectedSizePlusOne(int expected, int needed) {
    List<Node> enough = healthyNodes(needed);
    List<Node> tooFew = healthyNodes(needed - 1);

    assertThat(Election.elect(majorityOf(expected, enough, Map.of())).quorum()).isTrue();
    assertThat(Election.elect(majorityOf(expected, tooFew, Map.of())).quorum()).isFalse();
  }

  @Test
  void suspectedAndUnverifiedMembersDoNotCount() {
    List<Node> nodes = List.of(healthy("h1"), suspected("h2"), unverified("h3"));

    assertThat(Election.elect(majorityOf(3, nodes, Map.of())).quorum()).isFalse();
  }

  @Test
  void withoutQuorumEveryCurrentVipIsReleased() {
    Map<InetAddress, Ownership> current =
        Map.of(
            WEB_VIP,
            new Ownership("h1", 4),
            DB_VIP,
            new Ownership("h9", 2),
            ip("203.0.113.1"),
            new Ownership("h1", 1)); // no longer configured
    ElectionResult result = Election.elect(majorityOf(5, healthyNodes(2), current));

    assertThat(result.quorum()).isFalse();
    assertThat(result.owners()).isEmpty();
    assertThat(result.changes())
        .containsExactly(
            new Change(DB_VIP, "db", "h9", null, 2, Reason.QUORUM_LOST),
            new Change(WEB_VIP, "web", "h1", null, 4, Reason.QUORUM_LOST));
    assertThat(Reason.QUORUM_LOST.tag()).isEqualTo("quorum-lost");
  }

  @Test
  void quorumNoneOwnsEvenWithOneMemberOfMany() {
    ElectionInput input =
        new ElectionInput(
            healthyNodes(1), POOLS, Map.of(), Set.of(), new Policy(Quorum.NONE, 9), 0);

    ElectionResult result = Election.elect(input);

    assertThat(result.quorum()).isTrue();
    assertThat(result.owners()).containsOnlyKeys(WEB_VIP, DB_VIP);
  }

  @Test
  void epochsContinueAfterQuorumReturnsWhenTheCallerKeptThem() {
    // The minority did not write: current still names the old owner, now gone.
    Map<InetAddress, Ownership> kept = Map.of(WEB_VIP, new Ownership("h1", 7));

    ElectionResult result = Election.elect(majorityOf(3, healthyNodes(3).subList(1, 3), kept));

    assertThat(result.owners())
        .containsEntry(WEB_VIP, new Ownership(result.owners().get(WEB_VIP).node(), 8));
    assertThat(result.owners().get(WEB_VIP).node()).isNotEqualTo("h1");
  }

  private static List<Node> healthyNodes(int count) {
    return java.util.stream.IntStream.rangeClosed(1, count)
        .mapToObj(i -> healthy("h" + i))
        .toList();
  }
}
