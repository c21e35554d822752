package dev.vipd.cluster.election;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One member of the membership view with what it published about itself, as the step from the
 * view to an {@link ElectionInput} ({@link Round}) reads it. A member that has not published its
 * status yet ({@code published == false}: it just joined and has not read the tables) is in the
 * view but not eligible.
 *
 * @param name the node name
 * @param labels its labels
 * @param verified whether its identity verified
 * @param suspected whether the beacons suspect it
 * @param published whether its status is known; the fields below are meaningless when not
 * @param drained whether it is drained
 * @param leaving whether it is handing its VIPs over before stopping
 * @param unhealthyPools pools whose health checks fail on it
 * @param linkDownPools pools whose interface has no carrier on it
 * @param eligibleSinceMillis when it last became more eligible (see {@link Node})
 * @param standby whether it may own nothing for now (fenced, or distrusting its own key)
 * @param loadedPools the pools it has loaded: name to {@link Pool#digest()}
 * @param unservable the VIPs it reported it cannot serve now
 * @param wireSilentPools the pools on whose link peers' wire checks found it silent
 */
public record Candidate(
    String name,
    Map<String, String> labels,
    boolean verified,
    boolean suspected,
    boolean published,
    boolean drained,
    boolean leaving,
    Set<String> unhealthyPools,
    Set<String> linkDownPools,
    long eligibleSinceMillis,
    boolean standby,
    Map<String, String> loadedPools,
    Set<InetAddress> unservable,
    Set<String> wireSilentPools) {

  public Candidate {
    Objects.requireNonNull(name, "name");
    labels = Map.copyOf(labels);
    unhealthyPools = Set.copyOf(unhealthyPools);
    linkDownPools = Set.copyOf(linkDownPools);
    loadedPools = Map.copyOf(loadedPools);
    unservable = Set.copyOf(unservable);
    wireSilentPools = Set.copyOf(wireSilentPools);
  }

  /** A candidate no wire check found silent. */
  public Candidate(String name, Map<String, String> labels, boolean verified, boolean suspected,
      boolean published, boolean drained, boolean leaving, Set<String> unhealthyPools,
      Set<String> linkDownPools, long eligibleSinceMillis, boolean standby,
      Map<String, String> loadedPools, Set<InetAddress> unservable) {
    this(name, labels, verified, suspected, published, drained, leaving, unhealthyPools,
        linkDownPools, eligibleSinceMillis, standby, loadedPools, unservable, Set.of());
  }

  /** A member whose status is not known yet. */
  public static Candidate unpublished(
      String name, Map<String, String> labels, boolean verified, boolean suspected) {
    return new Candidate(name, labels, verified, suspected, false, false, false, Set.of(),
        Set.of(), 0, false, Map.of(), Set.of());
  }

  /** Whether its labels hold every entry of {@code selector}. */
  boolean labelsMatch(Map<String, String> selector) {
    for (Map.Entry<String, String> e : selector.entrySet()) {
      if (!e.getValue().equals(labels.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The election's node. A member without a status is not eligible until it publishes one; a
   * pool counts as loaded (VIPs may be placed there) only when its digest is the one of the
   * election's {@code pools}, and as declared (owned VIPs stay) whatever its digest.
   */
  Node node(List<Pool> pools) {
    if (!published) {
      return new Node(name, labels, verified, suspected, true, Set.of(), Set.of(), 0, false,
          Set.of(), Set.of(), Set.of());
    }
    Set<String> loaded = new HashSet<>();
    for (Pool p : pools) {
      if (p.digest().equals(loadedPools.get(p.name()))) {
        loaded.add(p.name());
      }
    }
    return new Node(name, labels, verified, suspected, drained, unhealthyPools, linkDownPools,
        Math.max(0, eligibleSinceMillis), standby, loaded, loadedPools.keySet(), unservable,
        wireSilentPools);
  }
}
