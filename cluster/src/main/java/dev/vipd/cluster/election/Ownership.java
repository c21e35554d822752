package dev.vipd.cluster.election;

import java.util.Objects;

/**
 * Who owns a VIP, and since which epoch. Every change of owner increments the epoch; a node
 * announces only for the latest epoch it has seen.
 *
 * @param node the owner's node name
 * @param epoch at least 1
 */
public record Ownership(String node, long epoch) {
  public Ownership {
    Objects.requireNonNull(node, "node");
    if (node.isBlank()) {
      throw new IllegalArgumentException("invalid node: \"" + node + "\" (expected: a name)");
    }
    if (epoch < 1) {
      throw new IllegalArgumentException("invalid epoch: " + epoch + " (expected: >= 1)");
    }
  }
}
