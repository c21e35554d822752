package dev.vipd.cluster.election;

import java.net.InetAddress;
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
 * @param standby whether the node may own nothing for now (fenced after a pause, or it does not
 *     trust its own key): it is not eligible and does not write, but still counts for quorum
 * @param loadedPools the names of the pools the node has loaded exactly as the election's pools
 *     define them (same addresses): only these get new or orphaned VIPs placed on it. {@code
 *     null} means every pool (callers that do not track loaded pools)
 * @param declaredPools the names of the pools the node has loaded at all, whatever their
 *     addresses: it keeps VIPs it owns of these (a rolling reload that adds an address to a pool
 *     moves nothing) and loses those of any other pool. {@code null} means every pool
 * @param unservable the VIPs this node cannot serve now (binding, joining or filtering failed
 *     there): none is placed on it, and it loses those it owns ({@link Reason#UNSERVABLE})
 * @param wireSilentPools the pools on whose link peers' wire checks found it silent (issue 13):
 *     it is not eligible for them ({@link Reason#WIRE_SILENT})
 */
public record Node(
    String name,
    Map<String, String> labels,
    boolean verified,
    boolean suspected,
    boolean drained,
    Set<String> unhealthyPools,
    Set<String> linkDownPools,
    long eligibleSinceMillis,
    boolean standby,
    Set<String> loadedPools,
    Set<String> declaredPools,
    Set<InetAddress> unservable,
    Set<String> wireSilentPools) {

  public Node {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("invalid node name: \"" + name + "\" (expected: a name)");
    }
    labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
    unhealthyPools = Set.copyOf(Objects.requireNonNull(unhealthyPools, "unhealthyPools"));
    linkDownPools = Set.copyOf(Objects.requireNonNull(linkDownPools, "linkDownPools"));
    loadedPools = loadedPools == null ? null : Set.copyOf(loadedPools);
    declaredPools = declaredPools == null ? null : Set.copyOf(declaredPools);
    unservable = Set.copyOf(Objects.requireNonNull(unservable, "unservable"));
    wireSilentPools = Set.copyOf(Objects.requireNonNull(wireSilentPools, "wireSilentPools"));
    if (eligibleSinceMillis < 0) {
      throw new IllegalArgumentException(
          "invalid eligible-since-millis of node "
              + name
              + ": "
              + eligibleSinceMillis
              + " (expected: >= 0)");
    }
  }

  /** A node that no wire check found silent. */
  public Node(String name, Map<String, String> labels, boolean verified, boolean suspected,
      boolean drained, Set<String> unhealthyPools, Set<String> linkDownPools,
      long eligibleSinceMillis, boolean standby, Set<String> loadedPools,
      Set<String> declaredPools, Set<InetAddress> unservable) {
    this(name, labels, verified, suspected, drained, unhealthyPools, linkDownPools,
        eligibleSinceMillis, standby, loadedPools, declaredPools, unservable, Set.of());
  }

  /** A node that is not on standby and has loaded every pool. */
  public Node(
      String name,
      Map<String, String> labels,
      boolean verified,
      boolean suspected,
      boolean drained,
      Set<String> unhealthyPools,
      Set<String> linkDownPools,
      long eligibleSinceMillis) {
    this(name, labels, verified, suspected, drained, unhealthyPools, linkDownPools,
        eligibleSinceMillis, false, null, null, Set.of());
  }

  /** Whether the node has loaded the pool named {@code pool} as defined here ({@link #loadedPools}). */
  public boolean hasLoaded(String pool) {
    return loadedPools == null || loadedPools.contains(pool);
  }

  /** Whether the node has loaded a pool named {@code pool}, whatever its addresses. */
  public boolean hasDeclared(String pool) {
    return declaredPools == null || declaredPools.contains(pool) || hasLoaded(pool);
  }

  /** Whether the node can serve {@code vip} now (see {@link #unservable}). */
  public boolean canServe(InetAddress vip) {
    return !unservable.contains(vip);
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
