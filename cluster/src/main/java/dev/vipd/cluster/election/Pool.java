package dev.vipd.cluster.election;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A pool of VIPs and where they may live.
 *
 * @param name the pool name, unique in the configuration
 * @param addresses the VIPs, no duplicates; their order does not matter to the election
 * @param nodeSelector labels a node must carry (every entry) to own these VIPs
 * @param preferredNodes node names, most preferred first; orphaned VIPs go to the first eligible
 *     one
 * @param preempt whether a more preferred node takes a VIP back from a healthy owner
 * @param preemptDelay how long a preferred node must have been eligible before it preempts
 */
public record Pool(
    String name,
    List<InetAddress> addresses,
    Map<String, String> nodeSelector,
    List<String> preferredNodes,
    boolean preempt,
    Duration preemptDelay) {

  public Pool {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("invalid pool name: \"" + name + "\" (expected: a name)");
    }
    addresses = List.copyOf(Objects.requireNonNull(addresses, "addresses"));
    nodeSelector = Map.copyOf(Objects.requireNonNull(nodeSelector, "nodeSelector"));
    preferredNodes = List.copyOf(Objects.requireNonNull(preferredNodes, "preferredNodes"));
    Objects.requireNonNull(preemptDelay, "preemptDelay");
    if (preemptDelay.isNegative()) {
      throw new IllegalArgumentException(
          "invalid preempt-delay of pool " + name + ": " + preemptDelay + " (expected: >= 0)");
    }
    Set<AddressKey> seen = new HashSet<>();
    for (InetAddress address : addresses) {
      if (!seen.add(AddressKey.of(address))) {
        throw new IllegalArgumentException(
            "duplicate address in pool " + name + ": " + address.getHostAddress());
      }
    }
    if (new HashSet<>(preferredNodes).size() != preferredNodes.size()) {
      throw new IllegalArgumentException(
          "invalid preferred-nodes of pool "
              + name
              + ": "
              + preferredNodes
              + " (expected: no duplicates)");
    }
  }

  /** A pool with no selector, no preferred nodes and no preemption. */
  public static Pool of(String name, List<InetAddress> addresses) {
    return new Pool(name, addresses, Map.of(), List.of(), false, Duration.ZERO);
  }

  /** The preempt delay in milliseconds, saturated at {@link Long#MAX_VALUE}. */
  long preemptDelayMillis() {
    try {
      return preemptDelay.toMillis();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }
}
