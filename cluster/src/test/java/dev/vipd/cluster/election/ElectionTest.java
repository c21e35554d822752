package dev.vipd.cluster.election;

import static dev.vipd.cluster.election.Fixtures.drained;
import static dev.vipd.cluster.election.Fixtures.elect;
import static dev.vipd.cluster.election.Fixtures.eligibleSince;
import static dev.vipd.cluster.election.Fixtures.healthy;
import static dev.vipd.cluster.election.Fixtures.ip;
import static dev.vipd.cluster.election.Fixtures.ips;
import static dev.vipd.cluster.election.Fixtures.labelled;
import static dev.vipd.cluster.election.Fixtures.linkDown;
import static dev.vipd.cluster.election.Fixtures.preferring;
import static dev.vipd.cluster.election.Fixtures.suspected;
import static dev.vipd.cluster.election.Fixtures.unhealthy;
import static dev.vipd.cluster.election.Fixtures.unverified;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Example-based election tests: one per reason, preemption, preferred placement, epochs. */
class ElectionTest {
  private static final InetAddress VIP = ip("198.51.100.10");
  private static final Pool WEB = Pool.of("web", List.of(VIP));

  @Test
  void newVipIsPlacedWithEpochOne() {
    ElectionResult result = elect(List.of(healthy("h1")), List.of(WEB), Map.of());

    assertThat(result.quorum()).isTrue();
    assertThat(result.owners()).containsExactly(Map.entry(VIP, new Ownership("h1", 1)));
    assertThat(result.changes())
        .containsExactly(new Change(VIP, "web", null, "h1", 1, Reason.PLACEMENT));
  }

  static Stream<Arguments> ineligibleOwners() {
    return Stream.of(
        Arguments.of(unverified("h1"), Reason.MEMBER_LOST),
        Arguments.of(suspected("h1"), Reason.MEMBER_SUSPECTED),
        Arguments.of(unhealthy("h1", "web"), Reason.HEALTH),
        Arguments.of(linkDown("h1", "web"), Reason.LINK_DOWN),
        Arguments.of(drained("h1"), Reason.DRAIN),
        Arguments.of(labelled("h1", Map.of("rack", "r2")), Reason.PLACEMENT));
  }

  @ParameterizedTest
  @MethodSource("ineligibleOwners")
  void vipLeavesAnIneligibleOwnerWithTheCause(Node owner, Reason reason) {
    Pool web =
        new Pool("web", List.of(VIP), Map.of("rack", "r1"), List.of(), false, WEB.preemptDelay());
    Node other = labelled("h2", Map.of("rack", "r1"));
    Map<InetAddress, Ownership> current = Map.of(VIP, new Ownership("h1", 4));

    ElectionResult result = elect(List.of(owner, other), List.of(web), current);

    assertThat(result.owners()).containsExactly(Map.entry(VIP, new Ownership("h2", 5)));
    assertThat(result.changes()).containsExactly(new Change(VIP, "web", "h1", "h2", 5, reason));
  }

  @Test
  void vipOfAMemberGoneFromTheViewMovesAsMemberLost() {
    Map<InetAddress, Ownership> current = Map.of(VIP, new Ownership("h1", 2));

    ElectionResult result = elect(List.of(healthy("h2")), List.of(WEB), current);

    assertThat(result.changes())
        .containsExactly(new Change(VIP, "web", "h1", "h2", 3, Reason.MEMBER_LOST));
  }

  @Test
  void unhealthyOrDownInAnotherPoolDoesNotMoveTheVip() {
    Map<InetAddress, Ownership> current = Map.of(VIP, new Ownership("h1", 2));
    Node h1 = new Node("h1", Map.of(), true, false, false, Set.of("db"), Set.of("db"), 0);

    ElectionResult result = elect(List.of(h1, healthy("h2")), List.of(WEB), current);

    assertThat(result.owners()).containsExactly(Map.entry(VIP, new Ownership("h1", 2)));
    assertThat(result.changes()).isEmpty();
  }

  @Test
  void leavingNodeHandsOverWhetherStillInTheViewOrNot() {
    Map<InetAddress, Ownership> current = Map.of(VIP, new Ownership("h1", 2));
    Policy none = new Policy(Quorum.NONE, 1);
    ElectionInput present =
        new ElectionInput(
            List.of(healthy("h1"), healthy("h2")), List.of(WEB), current, Set.of("h1"), none, 0);
    ElectionInput gone =
        new ElectionInput(List.of(healthy("h2")), List.of(WEB), current, Set.of("h1"), none, 0);

    Change expected = new Change(VIP, "web", "h1", "h2", 3, Reason.LEAVE);
    assertThat(Election.elect(present).changes()).containsExactly(expected);
    assertThat(Election.elect(gone).changes()).containsExactly(expected);
  }

  @Test
  void vipWithNoEligibleNodeIsReleasedWithItsLastEpoch() {
    Map<InetAddress, Ownership> current = Map.of(VIP, new Ownership("h1", 6));

    ElectionResult result = elect(List.of(drained("h1"), suspected("h2")), List.of(WEB), current);

    assertThat(result.owners()).isEmpty();
    assertThat(result.changes())
        .containsExactly(new Change(VIP, "web", "h1", null, 6, Reason.DRAIN));
  }

  @Test
  void healthyOwnerKeepsItsVipWhenALessLoadedNodeJoins() {
    Map<InetAddress, Ownership> current = Map.of(VIP, new Ownership("h2", 9));

    ElectionResult result =
        elect(List.of(healthy("h1"), healthy("h2"), healthy("h3")), List.of(WEB), current);

    assertThat(result.owners()).containsExactly(Map.entry(VIP, new Ownership("h2", 9)));
    assertThat(result.changes()).isEmpty();
  }

  @Test
  void preferredNodePreemptsOnceItsDelayHasElapsed() {
    Pool web = preferring("web", List.of(VIP), true, "h1");
    Map<InetAddress, Ownership> current = Map.of(VIP, new Ownership("h2", 3));
    List<Node> elapsed = List.of(eligibleSince("h1", 70_000), healthy("h2"));
    List<Node> tooEarly = List.of(eligibleSince("h1", 70_001), healthy("h2"));

    assertThat(elect(elapsed, List.of(web), current).changes())
        .containsExactly(new Change(VIP, "web", "h2", "h1", 4, Reason.PREEMPT));
    ElectionResult waiting = elect(tooEarly, List.of(web), current);
    assertThat(waiting.owners()).containsExactly(Map.entry(VIP, new Ownership("h2", 3)));
    assertThat(waiting.changes()).isEmpty();
  }

  @Test
  void preferredNodeNeverPreemptsWithoutPreempt() {
    Pool web = preferring("web", List.of(VIP), false, "h1");
    Map<InetAddress, Ownership> current = Map.of(VIP, new Ownership("h2", 3));

    ElectionResult result = elect(List.of(healthy("h1"), healthy("h2")), List.of(web), current);

    assertThat(result.changes()).isEmpty();
  }

  @Test
  void onlyAMorePreferredNodePreempts() {
    Pool web = preferring("web", List.of(VIP), true, "h1", "h2", "h3");
    List<Node> nodes = List.of(drained("h1"), healthy("h2"), healthy("h3"));

    ElectionResult ownerIsBest = elect(nodes, List.of(web), Map.of(VIP, new Ownership("h2", 1)));
    ElectionResult ownerIsWorse = elect(nodes, List.of(web), Map.of(VIP, new Ownership("h3", 1)));

    assertThat(ownerIsBest.changes()).isEmpty();
    assertThat(ownerIsWorse.changes())
        .containsExactly(new Change(VIP, "web", "h3", "h2", 2, Reason.PREEMPT));
  }

  @Test
  void orphanGoesToTheMostPreferredEligibleNodeWhateverItsLoad() {
    List<InetAddress> vips = ips("198.51.100.10", "198.51.100.11", "198.51.100.12");
    Pool web = preferring("web", vips, false, "h9", "h3", "h2");
    List<Node> nodes = List.of(healthy("h1"), healthy("h2"), drained("h3"));

    ElectionResult result = elect(nodes, List.of(web), Map.of());

    assertThat(result.owners().values()).extracting(Ownership::node).containsOnly("h2");
  }

  @Test
  void orphanGoesToTheLeastLoadedNodeAcrossPools() {
    InetAddress db = ip("203.0.113.5");
    Map<InetAddress, Ownership> current = Map.of(db, new Ownership("h1", 1));

    ElectionResult result =
        elect(
            List.of(healthy("h1"), healthy("h2")),
            List.of(WEB, Pool.of("db", List.of(db))),
            current);

    assertThat(result.owners()).containsEntry(VIP, new Ownership("h2", 1));
  }

  @Test
  void equallyLoadedNodesAreSplitByTheRendezvousHash() {
    List<Node> nodes = List.of(healthy("h1"), healthy("h2"), healthy("h3"));
    String expected = "h1";
    for (String name : List.of("h2", "h3")) {
      long vipKey = Rendezvous.vipKey(VIP);
      if (Rendezvous.weight(Rendezvous.nodeKey(name), vipKey)
          > Rendezvous.weight(Rendezvous.nodeKey(expected), vipKey)) {
        expected = name;
      }
    }

    ElectionResult result = elect(nodes, List.of(WEB), Map.of());

    assertThat(result.owners().get(VIP).node()).isEqualTo(expected);
  }

  @Test
  void vipsNoLongerConfiguredAreDroppedSilently() {
    InetAddress removed = ip("2001:db8::dead");
    Map<InetAddress, Ownership> current =
        Map.of(removed, new Ownership("h1", 3), VIP, new Ownership("h1", 2));

    ElectionResult result = elect(List.of(healthy("h1")), List.of(WEB), current);

    assertThat(result.owners()).containsOnlyKeys(VIP);
    assertThat(result.changes()).isEmpty();
  }

  @Test
  void ownersAndChangesFollowPoolNameThenAddressOrder() {
    List<InetAddress> webVips = ips("2001:db8::1", "198.51.100.20", "198.51.100.3");
    Pool web = Pool.of("web", webVips);
    Pool api = Pool.of("api", ips("203.0.113.9"));

    ElectionResult result = elect(List.of(healthy("h1")), List.of(web, api), Map.of());

    assertThat(result.owners().keySet())
        .containsExactly(
            ip("203.0.113.9"), ip("198.51.100.3"), ip("198.51.100.20"), ip("2001:db8::1"));
    assertThat(result.changes())
        .extracting(Change::vip)
        .containsExactlyElementsOf(result.owners().keySet());
  }
}
