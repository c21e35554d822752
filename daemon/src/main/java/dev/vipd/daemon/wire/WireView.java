package dev.vipd.daemon.wire;

import dev.vipd.cluster.ClusterStatus;
import dev.vipd.cluster.MemberStatus;
import dev.vipd.cluster.ownership.Assignment;
import dev.vipd.daemon.wire.WireSampler.Owned;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one wire check round needs from the cluster, read from a {@link ClusterStatus} snapshot:
 * the owned VIPs of the checked pools, who checks each pool (the verified members that publish a
 * MAC for it, i.e. run the check there), each member's MAC per pool and incarnation.
 *
 * @param owned the owned VIPs of the pools with the wire check on
 * @param checkers pool to the names of the members that check it
 * @param macs member name to its pool MACs (as published, {@code aa:bb:cc:dd:ee:ff})
 * @param incarnations member name to its start time (incarnation id)
 */
public record WireView(List<Owned> owned, Map<String, Set<String>> checkers,
    Map<String, Map<String, String>> macs, Map<String, Long> incarnations) {

  public WireView {
    owned = List.copyOf(owned);
    checkers = Map.copyOf(checkers);
    macs = Map.copyOf(macs);
    incarnations = Map.copyOf(incarnations);
  }

  /** The view of {@code status} restricted to {@code pools} (those with the check on here). */
  public static WireView of(ClusterStatus status, Set<String> pools) {
    Map<String, Set<String>> checkers = new HashMap<>();
    Map<String, Map<String, String>> macs = new HashMap<>();
    Map<String, Long> incarnations = new HashMap<>();
    for (MemberStatus m : status.members()) {
      if (!m.verified()) {
        continue; // an unverified member's claims are not read, and it owns nothing
      }
      incarnations.put(m.name(), m.startTimeMillis());
      macs.put(m.name(), m.wire().poolMacs());
      for (String pool : m.wire().poolMacs().keySet()) {
        if (pools.contains(pool)) {
          checkers.computeIfAbsent(pool, p -> new HashSet<>()).add(m.name());
        }
      }
    }
    List<Owned> owned = new ArrayList<>();
    for (Assignment a : status.owners().values()) {
      if (pools.contains(a.pool()) && incarnations.containsKey(a.node())) {
        owned.add(new Owned(a.pool(), a.vip(), a.node()));
      }
    }
    owned.sort((x, y) -> java.util.Arrays.compare(x.vip().getAddress(), y.vip().getAddress()));
    return new WireView(owned, checkers, macs, incarnations);
  }

  /** The MAC {@code node} published for {@code pool}, or null. */
  public String macOf(String node, String pool) {
    Map<String, String> of = macs.get(node);
    return of == null ? null : of.get(pool);
  }
}
