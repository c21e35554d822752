package dev.vipd.daemon;

import dev.vipd.cluster.ownership.Assignment;
import dev.vipd.cluster.ClusterStatus;
import dev.vipd.cluster.MemberStatus;
import dev.vipd.daemon.config.PoolConfig;
import dev.vipd.daemon.control.Json;
import dev.vipd.protocol.wire.InetAddresses;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This node's view as JSON, for {@code /status}, the control socket and {@code vipd status}:
 * members, pools, and each VIP with owner, epoch, since and reason, plus health, links and the
 * cluster's problems (why this node owns nothing although it could, and what to fix).
 */
final class StatusView {
  private final VipdDaemon daemon;

  StatusView(VipdDaemon daemon) {
    this.daemon = daemon;
  }

  String json() {
    ClusterStatus cluster = daemon.cluster().status();
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("node", cluster.nodeName());
    root.put("version", Vipd.version());
    root.put("writer", cluster.writer());
    root.put("quorum", cluster.quorum());
    root.put("fenced", cluster.fenced());
    // Why this node owns nothing although it could (an unverifiable key...), and what to fix.
    root.put("problems", cluster.problems());
    List<Object> members = new ArrayList<>();
    for (MemberStatus m : cluster.members()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", m.name());
      o.put("address", m.address());
      o.put("self", m.self());
      o.put("verified", m.verified());
      o.put("suspected", m.suspected());
      o.put("drained", m.drained());
      o.put("leaving", m.leaving());
      o.put("unhealthy-pools", List.copyOf(m.unhealthyPools()));
      o.put("link-down-pools", List.copyOf(m.linkDownPools()));
      members.add(o);
    }
    root.put("members", members);
    Map<InetAddress, VipFaults.Fault> faults = daemon.vipFaults();
    List<Object> pools = new ArrayList<>();
    for (PoolConfig p : daemon.config().pools()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("name", p.name());
      o.put("interface", p.interfaceName());
      o.put("healthy-here", !daemon.eligibility().unhealthy().contains(p.name()));
      o.put("link-up-here", !daemon.eligibility().linkDown().contains(p.name()));
      List<Object> vips = new ArrayList<>();
      for (InetAddress vip : p.addresses()) {
        Assignment a = cluster.owners().get(vip);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("vip", InetAddresses.format(vip));
        v.put("owner", a == null ? null : a.node());
        v.put("epoch", a == null ? null : a.epoch());
        v.put("since", a == null ? null : Instant.ofEpochMilli(a.sinceMillis()).toString());
        v.put("reason", a == null ? null : a.reason().tag());
        VipFaults.Fault f = faults.get(vip);
        if (f != null) { // why this node cannot serve it, and when it tries again
          Map<String, Object> e = new LinkedHashMap<>();
          e.put("stage", f.stage());
          e.put("reason", f.reason());
          e.put("attempts", f.attempts());
          e.put("unservable", f.unservable());
          e.put("retry-in-ms", f.retryInMillis());
          v.put("error", e);
        }
        vips.add(v);
      }
      o.put("vips", vips);
      pools.add(o);
    }
    root.put("pools", pools);
    root.put("health-checks", daemon.health().states());
    return Json.write(root);
  }

  /** The same view as aligned text for people. */
  String text() {
    ClusterStatus cluster = daemon.cluster().status();
    StringBuilder out = new StringBuilder();
    out.append(String.format("node %s  writer %s  quorum %s%s%n", cluster.nodeName(),
        cluster.writer(), cluster.quorum() ? "yes" : "NO", cluster.fenced() ? "  FENCED" : ""));
    for (String problem : cluster.problems()) {
      out.append(String.format("PROBLEM: %s%n", problem));
    }
    out.append(String.format("%nmembers:%n"));
    for (MemberStatus m : cluster.members()) {
      List<String> flags = new ArrayList<>();
      if (!m.verified()) {
        flags.add("UNVERIFIED");
      }
      if (m.suspected()) {
        flags.add("suspected");
      }
      if (m.drained()) {
        flags.add("drained");
      }
      if (m.leaving()) {
        flags.add("leaving");
      }
      if (!m.unhealthyPools().isEmpty()) {
        flags.add("unhealthy:" + String.join(",", m.unhealthyPools()));
      }
      if (!m.linkDownPools().isEmpty()) {
        flags.add("link-down:" + String.join(",", m.linkDownPools()));
      }
      out.append(String.format("  %-20s %-40s %s%s%n", m.name(), m.address(),
          m.self() ? "(this node) " : "", String.join(" ", flags)));
    }
    for (PoolConfig p : daemon.config().pools()) {
      out.append(String.format("%npool %s (%s):%n", p.name(), p.interfaceName()));
      for (InetAddress vip : p.addresses()) {
        Assignment a = cluster.owners().get(vip);
        VipFaults.Fault f = daemon.vipFaults().get(vip);
        String error = f == null ? "" : String.format("  ERROR %s: %s (attempt %d)", f.stage(),
            f.reason(), f.attempts());
        out.append(a == null
            ? String.format("  %-40s (no owner)%n", InetAddresses.format(vip))
            : String.format("  %-40s %-20s epoch %-6d since %s (%s)%n", InetAddresses.format(vip),
                a.node(), a.epoch(), Instant.ofEpochMilli(a.sinceMillis()), a.reason().tag()));
        if (!error.isEmpty()) {
          out.append(error).append(String.format("%n"));
        }
      }
    }
    return out.toString().stripTrailing();
  }
}
