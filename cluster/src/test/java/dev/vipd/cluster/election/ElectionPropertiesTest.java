package dev.vipd.cluster.election;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Properties of the election over random clusters (see {@link Clusters}). */
class ElectionPropertiesTest {

  @Provide
  Arbitrary<ElectionInput> inputs() {
    return Clusters.inputs();
  }

  @Provide
  Arbitrary<ElectionInput> healthyFromEmpty() {
    return Clusters.healthyFromEmpty();
  }

  @Provide
  Arbitrary<List<Node>> joiners() {
    return Clusters.joiners();
  }

  @Property
  void everyVipHasAnOwnerExactlyWhenAnEligibleNodeExists(@ForAll("inputs") ElectionInput input) {
    ElectionResult result = Election.elect(input);
    Assume.that(result.quorum());

    Set<InetAddress> configured = new HashSet<>();
    for (Pool pool : input.pools()) {
      boolean anyEligible = input.nodes().stream().anyMatch(n -> Clusters.eligible(input, n, pool));
      for (InetAddress vip : pool.addresses()) {
        configured.add(vip);
        assertThat(result.owners().containsKey(vip)).as("%s owned", vip).isEqualTo(anyEligible);
      }
    }
    assertThat(configured).containsAll(result.owners().keySet());
  }

  @Property
  void noVipIsOwnedByAnIneligibleNode(@ForAll("inputs") ElectionInput input) {
    ElectionResult result = Election.elect(input);

    for (Pool pool : input.pools()) {
      for (InetAddress vip : pool.addresses()) {
        Ownership owner = result.owners().get(vip);
        if (owner != null) {
          Node node = nodeNamed(input, owner.node()).orElseThrow();
          assertThat(Clusters.eligible(input, node, pool)).as("%s on %s", vip, node).isTrue();
        }
      }
    }
  }

  @Property
  void everyOrderOfTheInputGivesTheSameResult(
      @ForAll("inputs") ElectionInput input, @ForAll Random random) {
    ElectionResult expected = Election.elect(input);

    ElectionResult actual = Election.elect(Clusters.shuffled(input, random));

    assertThat(actual).isEqualTo(expected);
    assertThat(List.copyOf(actual.owners().entrySet()))
        .isEqualTo(List.copyOf(expected.owners().entrySet()));
  }

  @Property
  void electionIsStableOnItsOwnOutput(@ForAll("inputs") ElectionInput input) {
    ElectionResult first = Election.elect(input);
    Assume.that(first.quorum());

    ElectionResult again = Election.elect(withCurrent(input, first.owners(), input.nodes()));

    assertThat(again.changes()).isEmpty();
    assertThat(again.owners()).isEqualTo(first.owners());
  }

  @Property
  void ownersStayWhenNodesJoinUnlessTheyPreempt(
      @ForAll("inputs") ElectionInput input, @ForAll("joiners") List<Node> joiners) {
    ElectionResult first = Election.elect(input);
    Assume.that(first.quorum());
    List<Node> nodes = new ArrayList<>(input.nodes());
    nodes.addAll(joiners);

    ElectionResult after = Election.elect(withCurrent(input, first.owners(), nodes));

    Map<InetAddress, Change> changes = byVip(after.changes());
    for (Map.Entry<InetAddress, Ownership> owned : first.owners().entrySet()) {
      Change change = changes.get(owned.getKey());
      if (change == null) {
        assertThat(after.owners().get(owned.getKey())).isEqualTo(owned.getValue());
      } else {
        assertThat(change.reason()).isEqualTo(Reason.PREEMPT);
        assertThat(poolOf(input, owned.getKey()).preempt()).isTrue();
        assertThat(joiners).extracting(Node::name).contains(change.to());
      }
    }
  }

  @Property
  void poolsAreSpreadEvenlyFromAnEmptyState(@ForAll("healthyFromEmpty") ElectionInput input) {
    ElectionResult result = Election.elect(input);

    for (Pool pool : input.pools()) {
      Map<String, Integer> load = emptyLoads(input);
      pool.addresses().forEach(vip -> load.merge(result.owners().get(vip).node(), 1, Integer::sum));
      assertThat(spread(load)).as("loads of %s: %s", pool.name(), load).isLessThanOrEqualTo(1);
    }
    Map<String, Integer> total = emptyLoads(input);
    result.owners().values().forEach(o -> total.merge(o.node(), 1, Integer::sum));
    assertThat(spread(total)).as("total loads: %s", total).isLessThanOrEqualTo(1);
  }

  @Property
  void losingANodeMovesOnlyItsVips(
      @ForAll("inputs") ElectionInput input, @ForAll @IntRange(max = 11) int victimIndex) {
    ElectionResult before = Election.elect(input);
    String victim = input.nodes().get(victimIndex % input.nodes().size()).name();
    List<Node> survivors = input.nodes().stream().filter(n -> !n.name().equals(victim)).toList();

    ElectionResult after = Election.elect(withCurrent(input, before.owners(), survivors));
    Assume.that(before.quorum() && after.quorum());

    Map<InetAddress, Change> changes = byVip(after.changes());
    for (Pool pool : input.pools()) {
      for (InetAddress vip : pool.addresses()) {
        String was = ownerName(before, vip);
        if (victim.equals(was)) {
          assertThat(changes.get(vip).reason()).isIn(Reason.MEMBER_LOST, Reason.LEAVE);
        } else {
          assertThat(ownerName(after, vip)).as("owner of %s", vip).isEqualTo(was);
        }
      }
    }
  }

  @Property
  void vipsOfALostNodeSpreadOverTheSurvivors(
      @ForAll("healthyFromEmpty") ElectionInput input,
      @ForAll @IntRange(max = 11) int victimIndex) {
    Assume.that(input.nodes().size() >= 2);
    ElectionResult before = Election.elect(input);
    String victim = input.nodes().get(victimIndex % input.nodes().size()).name();
    List<Node> survivors = input.nodes().stream().filter(n -> !n.name().equals(victim)).toList();

    ElectionResult after = Election.elect(withCurrent(input, before.owners(), survivors));

    Map<String, Integer> gained = new HashMap<>();
    int moved = 0;
    for (Change change : after.changes()) {
      assertThat(change.from()).isEqualTo(victim);
      gained.merge(change.to(), 1, Integer::sum);
      moved++;
    }
    int bound = (moved + survivors.size() - 1) / survivors.size() + 1;
    assertThat(gained.values()).as("gains %s of %d moved", gained, moved).allMatch(g -> g <= bound);
  }

  @Property
  void epochsGrowByOneExactlyWhenTheOwnerChanges(@ForAll("inputs") ElectionInput input) {
    ElectionResult result = Election.elect(input);
    Map<InetAddress, Change> changes = byVip(result.changes());

    for (Pool pool : input.pools()) {
      for (InetAddress vip : pool.addresses()) {
        Ownership previous = input.current().get(vip);
        Ownership now = result.owners().get(vip);
        String from = previous == null ? null : previous.node();
        String to = now == null ? null : now.node();
        boolean moved = !Objects.equals(from, to);
        assertThat(changes.containsKey(vip)).as("change listed for %s", vip).isEqualTo(moved);
        if (now != null) {
          long before = previous == null ? 0 : previous.epoch();
          assertThat(now.epoch()).as("epoch of %s", vip).isEqualTo(moved ? before + 1 : before);
          assertThat(changes.getOrDefault(vip, null))
              .satisfiesAnyOf(
                  c -> assertThat(c).isNull(), c -> assertThat(c.epoch()).isEqualTo(now.epoch()));
        } else if (previous != null) {
          assertThat(changes.get(vip).epoch()).isEqualTo(previous.epoch());
        }
      }
    }
  }

  @Property
  void quorumFollowsThePolicy(@ForAll("inputs") ElectionInput input) {
    ElectionResult result = Election.elect(input);

    long counted = input.nodes().stream().filter(n -> n.verified() && !n.suspected()).count();
    boolean expected =
        input.policy().quorum() == Quorum.NONE || counted >= input.policy().expectedSize() / 2 + 1;
    assertThat(result.quorum()).isEqualTo(expected);
    if (!expected) {
      assertThat(result.owners()).isEmpty();
      long configuredAndOwned =
          input.pools().stream()
              .flatMap(p -> p.addresses().stream())
              .filter(input.current()::containsKey)
              .count();
      assertThat(result.changes()).hasSize((int) configuredAndOwned);
      assertThat(result.changes())
          .allSatisfy(
              c -> {
                assertThat(c.reason()).isEqualTo(Reason.QUORUM_LOST);
                assertThat(c.to()).isNull();
                assertThat(c.from()).isEqualTo(input.current().get(c.vip()).node());
              });
    }
  }

  private static ElectionInput withCurrent(
      ElectionInput input, Map<InetAddress, Ownership> current, List<Node> nodes) {
    return new ElectionInput(
        nodes, input.pools(), current, input.leaving(), input.policy(), input.nowMillis());
  }

  private static Optional<Node> nodeNamed(ElectionInput input, String name) {
    return input.nodes().stream().filter(n -> n.name().equals(name)).findFirst();
  }

  private static Pool poolOf(ElectionInput input, InetAddress vip) {
    return input.pools().stream()
        .filter(p -> p.addresses().contains(vip))
        .findFirst()
        .orElseThrow();
  }

  private static String ownerName(ElectionResult result, InetAddress vip) {
    Ownership owner = result.owners().get(vip);
    return owner == null ? null : owner.node();
  }

  private static Map<InetAddress, Change> byVip(List<Change> changes) {
    Map<InetAddress, Change> result = new HashMap<>();
    for (Change change : changes) {
      assertThat(result.put(change.vip(), change)).as("one change per VIP").isNull();
    }
    return result;
  }

  private static Map<String, Integer> emptyLoads(ElectionInput input) {
    Map<String, Integer> load = new HashMap<>();
    input.nodes().forEach(n -> load.put(n.name(), 0));
    return load;
  }

  private static int spread(Map<String, Integer> load) {
    int max = load.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    int min = load.values().stream().mapToInt(Integer::intValue).min().orElse(0);
    return max - min;
  }
}
