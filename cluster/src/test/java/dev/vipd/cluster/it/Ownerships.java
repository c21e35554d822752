package dev.vipd.cluster.it;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Small helpers over owner maps and node event logs for the failure tests. */
final class Ownerships {
  private Ownerships() {}

  static List<InetAddress> ownedBy(Map<InetAddress, String> owners, String node) {
    List<InetAddress> out = new ArrayList<>();
    owners.forEach((vip, owner) -> {
      if (owner.equals(node)) {
        out.add(vip);
      }
    });
    return out;
  }

  static Set<String> names(List<NodeProcess> nodes) {
    Set<String> out = new LinkedHashSet<>();
    nodes.forEach(n -> out.add(n.name()));
    return out;
  }

  static NodeProcess byName(List<NodeProcess> nodes, String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no node " + name + " in " + nodes));
  }

  static List<NodeProcess> without(List<NodeProcess> nodes, NodeProcess gone) {
    return nodes.stream().filter(n -> n != gone).toList();
  }

  /** Whether the node's own events say it holds {@code vip} now (last event was acquired). */
  static boolean holds(NodeProcess node, InetAddress vip) {
    String last = null;
    for (NodeEvent e : node.events()) {
      if (vip.equals(e.vip())) {
        last = e.kind();
      }
    }
    return "acquired".equals(last);
  }

  /** Whether, by the nodes' own events, each VIP is held by exactly one of the live nodes. */
  static boolean oneHolderEach(List<NodeProcess> nodes, List<InetAddress> vips) {
    for (InetAddress vip : vips) {
      long holders = nodes.stream().filter(n -> holds(n, vip)).count();
      if (holders != 1) {
        return false;
      }
    }
    return true;
  }

  /**
   * The wall-clock time of the first event of {@code kind} for {@code vip} on any node at or after
   * {@code since}, or -1.
   */
  static long firstWall(List<NodeProcess> nodes, String kind, InetAddress vip, long since) {
    return nodes.stream().flatMap(n -> n.events(kind, vip).stream())
        .mapToLong(NodeEvent::wallMillis).filter(t -> t >= since).min().orElse(-1);
  }
}
