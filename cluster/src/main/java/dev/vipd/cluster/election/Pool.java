package dev.vipd.cluster.election;

import java.net.InetAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
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

  /**
   * A digest of the addresses (order-free): what a node publishes for each pool it has loaded,
   * so that the writer places a VIP only on nodes that have the same pool. Hex, 32 characters
   * (the first 16 bytes of a SHA-256 over the sorted address bytes).
   */
  public String digest() {
    List<byte[]> sorted = new ArrayList<>();
    for (InetAddress a : addresses) {
      sorted.add(a.getAddress());
    }
    sorted.sort(Arrays::compare);
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (byte[] a : sorted) {
        sha.update((byte) a.length);
        sha.update(a);
      }
      return HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
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
