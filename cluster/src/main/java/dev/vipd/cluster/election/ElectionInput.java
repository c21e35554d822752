package dev.vipd.cluster.election;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything an election reads: one snapshot, identical on every node that computes it. The order
 * of every collection is irrelevant, except {@link Pool#preferredNodes()}.
 *
 * @param nodes the live members of the view, names unique
 * @param pools the configured pools, names unique; a VIP belongs to one pool only
 * @param current the current owner of each VIP with its epoch; VIPs that no pool configures any
 *     more are dropped without a {@link Change}
 * @param leaving names of nodes that are handing their VIPs over (present in {@code nodes} or
 *     already gone): they are not eligible, and their VIPs move with {@link Reason#LEAVE}
 * @param policy the quorum policy
 * @param nowMillis the current time, on the same clock as {@link Node#eligibleSinceMillis()}
 */
public record ElectionInput(
    List<Node> nodes,
    List<Pool> pools,
    Map<InetAddress, Ownership> current,
    Set<String> leaving,
    Policy policy,
    long nowMillis) {

  public ElectionInput {
    nodes = List.copyOf(Objects.requireNonNull(nodes, "nodes"));
    pools = List.copyOf(Objects.requireNonNull(pools, "pools"));
    current = VipMap.copyOf(Objects.requireNonNull(current, "current"));
    leaving = Set.copyOf(Objects.requireNonNull(leaving, "leaving"));
    Objects.requireNonNull(policy, "policy");
    if (nowMillis < 0) {
      throw new IllegalArgumentException("invalid now-millis: " + nowMillis + " (expected: >= 0)");
    }
    Set<String> names = new HashSet<>();
    for (Node node : nodes) {
      if (!names.add(node.name())) {
        throw new IllegalArgumentException("duplicate node name in the view: " + node.name());
      }
    }
    Map<String, Pool> poolsByName = new HashMap<>();
    Map<AddressKey, String> poolOfVip = new HashMap<>();
    for (Pool pool : pools) {
      if (poolsByName.putIfAbsent(pool.name(), pool) != null) {
        throw new IllegalArgumentException("duplicate pool name: " + pool.name());
      }
      for (InetAddress vip : pool.addresses()) {
        String other = poolOfVip.putIfAbsent(AddressKey.of(vip), pool.name());
        if (other != null) {
          // Sorted so that the message does not depend on the order of the pools.
          throw new IllegalArgumentException(
              "VIP "
                  + vip.getHostAddress()
                  + " is in more than one pool: "
                  + new TreeSet<>(List.of(other, pool.name())));
        }
      }
    }
  }

  /** An input with nobody leaving, under {@link Quorum#NONE}. */
  public static ElectionInput of(
      List<Node> nodes, List<Pool> pools, Map<InetAddress, Ownership> current, long nowMillis) {
    return new ElectionInput(
        nodes, pools, current, Set.of(), new Policy(Quorum.NONE, 1), nowMillis);
  }

  /**
   * Whether {@code node} may keep {@code vip} in this snapshot: it is in the view and eligible
   * for the VIP's pool, and can serve the VIP (the rule that keeps an owner, see {@link
   * Election}). False for a VIP no pool configures.
   */
  public boolean mayKeep(String node, InetAddress vip) {
    for (Pool p : pools) {
      if (p.addresses().contains(vip)) {
        View view = new View(nodes, List.of(p), leaving);
        int i = view.indexOf(node);
        return i >= 0 && view.eligible(0, i) && view.nodes[i].canServe(vip);
      }
    }
    return false;
  }
}
