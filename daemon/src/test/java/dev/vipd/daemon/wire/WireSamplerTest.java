package dev.vipd.daemon.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vipd.daemon.wire.WireSampler.Owned;
import dev.vipd.daemon.wire.WireSampler.Probe;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The wire check's sampling: coverage every round, own evidence, spread and bound. */
class WireSamplerTest {
  private static final List<String> NODES = List.of("h1", "h2", "h3", "h4");
  private static final Map<String, Set<String>> CHECKERS = Map.of("web", Set.copyOf(NODES));

  private static List<Owned> owned(int count) throws UnknownHostException {
    List<Owned> owned = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      InetAddress vip = InetAddress.getByName("198.51.100." + (i % 250 + 1));
      if (i >= 250) {
        vip = InetAddress.getByName("203.0.113." + (i - 250 + 1));
      }
      owned.add(new Owned("web", vip, NODES.get(i % NODES.size())));
    }
    return owned;
  }

  @Test
  void everyVipIsCheckedInEveryRoundByANodeOtherThanItsOwner() throws Exception {
    List<Owned> owned = owned(400);
    WireSampler sampler = new WireSampler(1_000);
    for (long round = 0; round < 50; round++) {
      Map<InetAddress, List<String>> checkedBy = new HashMap<>();
      for (String node : NODES) {
        for (Probe p : sampler.sample(node, round, owned, CHECKERS)) {
          checkedBy.computeIfAbsent(p.vip(), v -> new ArrayList<>()).add(node);
          assertThat(p.owner()).isNotEqualTo(node);
        }
      }
      assertThat(checkedBy).hasSize(400);
      for (Owned o : owned) {
        assertThat(checkedBy.get(o.vip())).doesNotContain(o.owner());
      }
    }
  }

  @Test
  void everyCheckerProbesEveryOtherOwnerEveryRoundEvenWithOneVipEach() throws Exception {
    List<Owned> owned = owned(4); // one VIP per node
    WireSampler sampler = new WireSampler(1_000);
    for (long round = 0; round < 20; round++) {
      for (String node : NODES) {
        assertThat(sampler.sample(node, round, owned, CHECKERS)).extracting(Probe::owner)
            .containsExactlyInAnyOrderElementsOf(
                NODES.stream().filter(n -> !n.equals(node)).toList());
      }
    }
  }

  @Test
  void theLoadIsSpreadEvenlyAndTheCheckerOfAVipChangesFromRoundToRound() throws Exception {
    List<Owned> owned = owned(400);
    WireSampler sampler = new WireSampler(1_000);
    Map<String, Integer> load = new HashMap<>();
    Set<String> checkersOfFirst = new java.util.HashSet<>();
    for (long round = 0; round < 100; round++) {
      for (String node : NODES) {
        List<Probe> probes = sampler.sample(node, round, owned, CHECKERS);
        load.merge(node, probes.size(), Integer::sum);
        if (probes.stream().anyMatch(p -> p.vip().equals(owned.get(0).vip()))) {
          checkersOfFirst.add(node);
        }
      }
    }
    // 400 VIPs, 4 nodes: 100 rounds x 400 / 4 = 10,000 each, plus at most 3 extra per round.
    assertThat(load.values()).allSatisfy(n -> assertThat(n).isBetween(9_000, 11_300));
    assertThat(checkersOfFirst).containsExactlyInAnyOrder("h2", "h3", "h4");
  }

  @Test
  void aNodeSendsAtMostTheBoundAndTheWindowRotatesOverItsShare() throws Exception {
    List<Owned> owned = owned(400);
    WireSampler sampler = new WireSampler(20);
    Set<InetAddress> seen = new java.util.HashSet<>();
    for (long round = 0; round < 200; round++) {
      List<Probe> probes = sampler.sample("h1", round, owned, CHECKERS);
      assertThat(probes).hasSizeLessThanOrEqualTo(20);
      probes.forEach(p -> seen.add(p.vip()));
    }
    // h1 checks only others' VIPs (300); rotating windows reach nearly all of them.
    assertThat(seen.size()).isGreaterThan(250);
    assertThatThrownBy(() -> new WireSampler(0))
        .hasMessage("invalid max probes per round: 0 (expected: >= 1)");
  }

  @Test
  void aNodeThatDoesNotCheckThePoolProbesNothingAndOwnersAreNotCheckers() throws Exception {
    List<Owned> owned = owned(40);
    Map<String, Set<String>> partial = Map.of("web", Set.of("h1", "h2"));
    WireSampler sampler = new WireSampler(1_000);
    assertThat(sampler.sample("h3", 1, owned, partial)).isEmpty();
    // h2 is the only checker of h1's VIPs: it gets all ten every round.
    assertThat(sampler.sample("h2", 1, owned, partial))
        .filteredOn(p -> p.owner().equals("h1")).hasSize(10);
  }
}
