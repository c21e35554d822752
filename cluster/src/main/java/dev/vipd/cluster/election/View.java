package dev.vipd.cluster.election;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The members of one election indexed by name order, with their eligibility per pool. Node indexes
 * follow name order so that nothing depends on the order the caller listed them in.
 */
final class View {
  final Node[] nodes;
  final String[] names;
  final long[] nodeKeys;
  private final Map<String, Integer> indexByName;
  private final Set<String> leaving;
  private final List<Pool> pools;
  private final boolean[][] eligible;
  private final boolean[][] placeable;

  /** {@code pools} must already be in election order (by name). */
  View(List<Node> members, List<Pool> pools, Set<String> leaving) {
    List<Node> sorted = new ArrayList<>(members);
    sorted.sort(Comparator.comparing(Node::name));
    int n = sorted.size();
    this.nodes = sorted.toArray(new Node[0]);
    this.names = new String[n];
    this.nodeKeys = new long[n];
    this.indexByName = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      names[i] = nodes[i].name();
      nodeKeys[i] = Rendezvous.nodeKey(names[i]);
      indexByName.put(names[i], i);
    }
    this.leaving = leaving;
    this.pools = pools;
    this.eligible = new boolean[pools.size()][n];
    this.placeable = new boolean[pools.size()][n];
    for (int p = 0; p < pools.size(); p++) {
      for (int i = 0; i < n; i++) {
        eligible[p][i] = ineligibility(nodes[i], pools.get(p)) == null;
        placeable[p][i] = eligible[p][i] && nodes[i].hasLoaded(pools.get(p).name());
      }
    }
  }

  int size() {
    return nodes.length;
  }

  /** The node's index, or -1 when it is not in the view. */
  int indexOf(String name) {
    Integer index = indexByName.get(name);
    return index == null ? -1 : index;
  }

  /** Whether the node may keep a VIP of {@code pool} that it owns (see {@link #ineligibility}). */
  boolean eligible(int pool, int node) {
    return eligible[pool][node];
  }

  /**
   * Whether a VIP of {@code pool} may be placed on the node: eligible, and it has loaded the pool
   * with the same addresses as here ({@link Node#hasLoaded}).
   */
  boolean placeable(int pool, int node) {
    return placeable[pool][node];
  }

  /** Indexes of the nodes on which {@code pool}'s VIPs may be placed, in name order. */
  int[] candidates(int pool) {
    int count = 0;
    for (boolean e : placeable[pool]) {
      count += e ? 1 : 0;
    }
    int[] result = new int[count];
    for (int i = 0, j = 0; i < nodes.length; i++) {
      if (placeable[pool][i]) {
        result[j++] = i;
      }
    }
    return result;
  }

  /**
   * Why the named owner may not keep a VIP of {@code pool}, or {@code null} when it may. The first
   * cause that applies wins: leaving, gone or unverified, suspected or on standby, drained, link
   * down, wire-silent, unhealthy, and last placement: no pool of that name loaded there, or the
   * node selector (a pool whose selector changed under its owner).
   */
  Reason ineligibility(String owner, int pool) {
    int index = indexOf(owner);
    if (index < 0) {
      return leaving.contains(owner) ? Reason.LEAVE : Reason.MEMBER_LOST;
    }
    return ineligibility(nodes[index], pools.get(pool));
  }

  private Reason ineligibility(Node node, Pool pool) {
    if (leaving.contains(node.name())) {
      return Reason.LEAVE;
    }
    if (!node.verified()) {
      return Reason.MEMBER_LOST;
    }
    if (node.suspected() || node.standby()) {
      return Reason.MEMBER_SUSPECTED;
    }
    if (node.drained()) {
      return Reason.DRAIN;
    }
    if (node.linkDownPools().contains(pool.name())) {
      return Reason.LINK_DOWN;
    }
    if (node.wireSilentPools().contains(pool.name())) {
      return Reason.WIRE_SILENT;
    }
    if (node.unhealthyPools().contains(pool.name())) {
      return Reason.HEALTH;
    }
    if (!node.hasDeclared(pool.name()) || !node.matches(pool.nodeSelector())) {
      return Reason.PLACEMENT;
    }
    return null;
  }
}
