package dev.vipd.cluster.election;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One member of the membership view with what it published about itself, as the step from the
 * view to an {@link ElectionInput} ({@link Round}) reads it. A member that has not published its
 * status yet ({@code published == false}) is in the view but not eligible.
 *
 * @param name the node name
 * @param labels its labels
 * @param verified whether its identity verified (and, for this node, whether it trusts itself)
 * @param suspected whether the beacons suspect it
 * @param published whether its status is known; the fields below are meaningless when not
 * @param drained whether it is drained
 * @param leaving whether it is handing its VIPs over before stopping
 * @param unhealthyPools pools whose health checks fail on it
 * @param linkDownPools pools whose interface has no carrier on it
 * @param eligibleSinceMillis when it last became more eligible (see {@link Node})
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
    long eligibleSinceMillis) {

  public Candidate {
    Objects.requireNonNull(name, "name");
    labels = Map.copyOf(labels);
    unhealthyPools = Set.copyOf(unhealthyPools);
    linkDownPools = Set.copyOf(linkDownPools);
  }

  /** A member whose status is not known yet. */
  public static Candidate unpublished(
      String name, Map<String, String> labels, boolean verified, boolean suspected) {
    return new Candidate(name, labels, verified, suspected, false, false, false, Set.of(),
        Set.of(), 0);
  }

  /** The election's node; a member without a status is not eligible until it publishes one. */
  Node node() {
    if (!published) {
      return new Node(name, labels, verified, suspected, true, Set.of(), Set.of(), 0);
    }
    return new Node(name, labels, verified, suspected, drained, unhealthyPools, linkDownPools,
        Math.max(0, eligibleSinceMillis));
  }
}
