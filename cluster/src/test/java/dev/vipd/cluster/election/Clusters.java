package dev.vipd.cluster.election;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Random clusters for the election properties: 1-12 nodes with random labels, health and flags, 1-4
 * pools with random selectors and preferences, 1-40 VIPs, random current owners (some of them nodes
 * that are gone), a few leaving nodes, and either quorum policy.
 */
final class Clusters {
  static final List<String> POOL_NAMES = List.of("api", "db", "mail", "web");

  /** Names of owners that are not in any view, and of a preferred node that may join later. */
  static final List<String> ABSENT = List.of("gone1", "gone2", "ghost");

  private Clusters() {}

  static Arbitrary<ElectionInput> inputs() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 12),
            Arbitraries.integers().between(1, 4),
            Arbitraries.integers().between(1, 40))
        .flatAs(Clusters::inputs);
  }

  /** Every node eligible for every pool, no preferences, nobody owns anything yet. */
  static Arbitrary<ElectionInput> healthyFromEmpty() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 12),
            Arbitraries.integers().between(1, 4),
            Arbitraries.integers().between(1, 40).list().ofSize(4))
        .as(
            (n, p, sizes) -> {
              List<Node> nodes =
                  IntStream.range(0, n).mapToObj(i -> Node.healthy("n" + i)).toList();
              List<Pool> pools = new ArrayList<>();
              int next = 0;
              for (int j = 0; j < p; j++) {
                List<InetAddress> vips = new ArrayList<>();
                for (int k = 0; k < sizes.get(j); k++) {
                  vips.add(Fixtures.vip(next++));
                }
                pools.add(Pool.of(POOL_NAMES.get(j), vips));
              }
              return ElectionInput.of(nodes, pools, Map.of(), 0);
            });
  }

  /** Up to three nodes with names not in {@link #inputs()}' views ("ghost" may be preferred). */
  static Arbitrary<List<Node>> joiners() {
    return Arbitraries.subsetOf("ghost", "j1", "j2")
        .flatMap(
            names ->
                Combinators.combine(names.stream().sorted().map(n -> node(n, POOL_NAMES)).toList())
                    .as(list -> list));
  }

  private static Arbitrary<ElectionInput> inputs(int nodeCount, int poolCount, int vipCount) {
    List<String> names = IntStream.range(0, nodeCount).mapToObj(i -> "n" + i).toList();
    List<String> poolNames = POOL_NAMES.subList(0, poolCount);
    List<String> owners = new ArrayList<>(names);
    owners.addAll(ABSENT);
    List<String> preferable = new ArrayList<>(names);
    preferable.add("ghost");
    Arbitrary<List<Node>> nodes =
        Combinators.combine(names.stream().map(n -> node(n, poolNames)).toList()).as(l -> l);
    Arbitrary<PoolShape> shape =
        Combinators.combine(
                Arbitraries.of(
                    Map.<String, String>of(),
                    Map.<String, String>of(),
                    Map.of("rack", "r1"),
                    Map.of("zone", "a"),
                    Map.of("rack", "r2", "zone", "b")),
                Arbitraries.of(preferable).list().uniqueElements().ofMaxSize(3),
                Arbitraries.of(true, false),
                Arbitraries.longs().between(0, 3_000))
            .as(PoolShape::new);
    Arbitrary<Optional<Ownership>> owner =
        Combinators.combine(Arbitraries.of(owners), Arbitraries.longs().between(1, 5))
            .as(Ownership::new)
            .optional(0.7);
    Arbitrary<Set<String>> leaving =
        Arbitraries.frequencyOf(
            Tuple.of(4, Arbitraries.just(Set.of())),
            Tuple.of(1, Arbitraries.subsetOf(owners).ofMaxSize(2)));
    Arbitrary<Policy> policy =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just(new Policy(Quorum.NONE, 1))),
            Tuple.of(
                1, Arbitraries.integers().between(1, 12).map(s -> new Policy(Quorum.MAJORITY, s))));
    return Combinators.combine(
            nodes,
            Arbitraries.integers().between(0, poolCount - 1).list().ofSize(vipCount),
            shape.list().ofSize(poolCount),
            owner.list().ofSize(vipCount),
            leaving,
            policy,
            Arbitraries.longs().between(0, 4_000))
        .as(
            (ns, poolOfVip, shapes, currentOwners, gone, pol, now) -> {
              List<Pool> pools = new ArrayList<>();
              for (int j = 0; j < poolCount; j++) {
                List<InetAddress> vips = new ArrayList<>();
                for (int i = 0; i < vipCount; i++) {
                  if (poolOfVip.get(i) == j) {
                    vips.add(Fixtures.vip(i));
                  }
                }
                pools.add(shapes.get(j).pool(poolNames.get(j), vips));
              }
              Map<InetAddress, Ownership> current = new HashMap<>();
              for (int i = 0; i < vipCount; i++) {
                int vip = i;
                currentOwners.get(i).ifPresent(o -> current.put(Fixtures.vip(vip), o));
              }
              return new ElectionInput(ns, pools, current, gone, pol, now);
            });
  }

  static Arbitrary<Node> node(String name, List<String> poolNames) {
    Arbitrary<Map<String, String>> labels =
        Combinators.combine(
                Arbitraries.of("r1", "r2").optional(0.8), Arbitraries.of("a", "b").optional(0.8))
            .as(
                (rack, zone) -> {
                  Map<String, String> m = new HashMap<>();
                  rack.ifPresent(r -> m.put("rack", r));
                  zone.ifPresent(z -> m.put("zone", z));
                  return m;
                });
    Arbitrary<Set<String>> somePools =
        Arbitraries.frequencyOf(
            Tuple.of(4, Arbitraries.just(Set.of())), Tuple.of(1, Arbitraries.subsetOf(poolNames)));
    return Combinators.combine(
            labels,
            Arbitraries.frequency(Tuple.of(6, true), Tuple.of(1, false)),
            Arbitraries.frequency(Tuple.of(1, true), Tuple.of(6, false)),
            Arbitraries.frequency(Tuple.of(1, true), Tuple.of(8, false)),
            somePools,
            somePools,
            Arbitraries.longs().between(0, 4_000))
        .as(
            (l, verified, suspected, drained, unhealthy, linkDown, since) ->
                new Node(name, l, verified, suspected, drained, unhealthy, linkDown, since));
  }

  /** Rule 1 of the election, restated independently as the properties' oracle. */
  static boolean eligible(ElectionInput input, Node node, Pool pool) {
    return node.verified()
        && !node.suspected()
        && !node.drained()
        && !input.leaving().contains(node.name())
        && !node.unhealthyPools().contains(pool.name())
        && !node.linkDownPools().contains(pool.name())
        && pool.nodeSelector().entrySet().stream()
            .allMatch(e -> e.getValue().equals(node.labels().get(e.getKey())));
  }

  /** The same input with every collection in another order (preferred nodes excepted). */
  static ElectionInput shuffled(ElectionInput input, Random random) {
    List<Node> nodes = new ArrayList<>();
    for (Node n : input.nodes()) {
      nodes.add(
          new Node(
              n.name(),
              shuffledMap(n.labels(), random),
              n.verified(),
              n.suspected(),
              n.drained(),
              n.unhealthyPools(),
              n.linkDownPools(),
              n.eligibleSinceMillis()));
    }
    Collections.shuffle(nodes, random);
    List<Pool> pools = new ArrayList<>();
    for (Pool p : input.pools()) {
      List<InetAddress> vips = new ArrayList<>(p.addresses());
      Collections.shuffle(vips, random);
      pools.add(
          new Pool(
              p.name(),
              vips,
              shuffledMap(p.nodeSelector(), random),
              p.preferredNodes(),
              p.preempt(),
              p.preemptDelay()));
    }
    Collections.shuffle(pools, random);
    return new ElectionInput(
        nodes,
        pools,
        shuffledMap(input.current(), random),
        input.leaving(),
        input.policy(),
        input.nowMillis());
  }

  private static <K, V> Map<K, V> shuffledMap(Map<K, V> map, Random random) {
    List<Map.Entry<K, V>> entries = new ArrayList<>(map.entrySet());
    Collections.shuffle(entries, random);
    Map<K, V> result = new LinkedHashMap<>();
    entries.forEach(e -> result.put(e.getKey(), e.getValue()));
    return result;
  }

  record PoolShape(
      Map<String, String> selector, List<String> preferred, boolean preempt, long delayMillis) {
    Pool pool(String name, List<InetAddress> vips) {
      return new Pool(name, vips, selector, preferred, preempt, Duration.ofMillis(delayMillis));
    }
  }
}
