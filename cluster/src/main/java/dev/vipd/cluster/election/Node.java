package dev.vipd.cluster.election;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One live member of the membership view, as every node sees it.
 *
 * @param name the stable node name ({@code vipd.node.name}), never the Hazelcast member UUID
 * @param labels the node's labels, matched against pools' node selectors
 * @param verified whether the member's identity signature checked out; unverified members never own
 *     VIPs and never count toward quorum
 * @param suspected whether the liveness beacons marked the member suspect
 * @param drained whether an operator drained the node
 * @param unhealthyPools names of the pools whose health checks fail on this node
 * @param linkDownPools names of the pools whose interface has no carrier on this node
 * @param eligibleSinceMillis when the node last became eligible, on the same clock as {@link
 *     ElectionInput#nowMillis()}; only preemption reads it
 */
public record Node(
    String name,
    Map<String, String> labels,
    boolean verified,
    boolean suspected,
    boolean drained,
    Set<String> unhealthyPools,
    Set<String> linkDownPools,
    long eligibleSinceMillis) {

  public Node {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("invalid node name: \"" + name + "\" (expected: a name)");
    }
    labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
    unhealthyPools = Set.copyOf(Objects.requireNonNull(unhealthyPools, "unhealthyPools"));
    linkDownPools = Set.copyOf(Objects.requireNonNull(linkDownPools, "linkDownPools"));
    if (eligibleSinceMillis < 0) {
      throw new IllegalArgumentException(
          "invalid eligible-since-millis of node "
              + name
              + ": "
              + eligibleSinceMillis
              + " (expected: >= 0)");
    }
  }

  /** A verified, unsuspected, undrained, healthy node without labels, eligible since 0. */
  public static Node healthy(String name) {
    return new Node(name, Map.of(), true, false, false, Set.of(), Set.of(), 0);
  }

  /** Whether the node is alive and trusted: such members count toward quorum. */
  public boolean countsForQuorum() {
    return verified && !suspected;
  }

  /** Whether the node's labels hold every entry of {@code selector}. */
  public boolean matches(Map<String, String> selector) {
    for (Map.Entry<String, String> e : selector.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
