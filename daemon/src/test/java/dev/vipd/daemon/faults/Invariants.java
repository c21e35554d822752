package dev.vipd.daemon.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.daemon.e2e.AnsweringMacs;
import dev.vipd.daemon.e2e.E2eLab;
import dev.vipd.daemon.e2e.E2eLab.Node;
import dev.vipd.testlab.Await;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The invariants checked after every fault, from the client and from {@code /status}: every
 * running node agrees on one owner per VIP; the client sees exactly one MAC answer each VIP, and
 * it is the owner's; every host holds vipd's local routes ({@code proto 86}) for exactly the VIPs
 * it owns, no stale ones (on hosts whose daemon runs).
 */
final class Invariants {
  private final E2eLab e2e;

  Invariants(E2eLab e2e) {
    this.e2e = e2e;
  }

  /** Result of {@link #check}: the owners, and how long each part took to hold. */
  record Checked(Map<String, String> owners, long agreedMillis, long oneMacMillis,
      long routesMillis) {
    @Override
    public String toString() {
      return String.format("owners agreed after %d ms, one MAC per VIP after %d ms, routes"
          + " clean after %d ms", agreedMillis, oneMacMillis, routesMillis);
    }
  }

  /** Waits (each part bounded by {@code bound}) until all invariants hold; fails otherwise. */
  Checked check(Duration bound) {
    long t0 = System.nanoTime();
    Map<String, String> owners = e2e.awaitConverged(bound);
    long agreed = Await.millisSince(t0);
    String[] last = {""};
    Await.until("every VIP answered by exactly its owner's MAC", bound, () -> {
      Map<String, Set<String>> seen = AnsweringMacs.ofAll(e2e.client, e2e.allVips());
      Map<String, String> current = e2e.agreedOwners();
      if (current == null) {
        last[0] = "owners not agreed";
        return false;
      }
      for (Map.Entry<String, Set<String>> e : seen.entrySet()) {
        String expected = macOf(e2e.node(current.get(e.getKey())), e.getKey());
        if (!e.getValue().equals(Set.of(expected))) {
          last[0] = e.getKey() + " answered by " + e.getValue() + ", owner "
              + current.get(e.getKey()) + " (" + expected + ")";
          return false;
        }
      }
      return true;
    }, () -> ": " + last[0]);
    long oneMac = Await.millisSince(t0);
    Await.until("vipd routes exactly on the owners", bound, () -> {
      Map<String, String> current = e2e.agreedOwners();
      if (current == null) {
        return false;
      }
      for (Node n : e2e.nodes.values()) {
        if (!n.running()) {
          continue; // a killed daemon's routes stay until `vipd cleanup` (ExecStopPost)
        }
        Set<String> expected = new TreeSet<>();
        current.forEach((vip, owner) -> {
          if (owner.equals(n.name)) {
            expected.add(vip);
          }
        });
        Set<String> routes = routes(n);
        if (!routes.equals(expected)) {
          last[0] = n.name + " has routes " + routes + ", owns " + expected;
          return false;
        }
      }
      return true;
    }, () -> ": " + last[0]);
    return new Checked(owners, agreed, oneMac, Await.millisSince(t0));
  }

  /** The MAC a node answers {@code vip} with: eth0's for pool web, eth1's for pool edge. */
  static String macOf(Node n, String vip) {
    return E2eLab.EDGE.contains(vip) ? "02:00:00:00:02:0" + n.index : n.host.mac();
  }

  /** The VIPs of vipd's local routes on a host (both families). */
  static Set<String> routes(Node n) {
    Set<String> vips = new TreeSet<>();
    for (String family : new String[] {"-4", "-6"}) {
      String out = n.host.exec("ip", family, "route", "show", "table", "local", "proto", "86")
          .output();
      for (String line : out.split("\n")) {
        String[] words = line.trim().split("\\s+");
        if (words.length >= 2 && words[0].equals("local")) {
          vips.add(words[1].replaceAll("/(32|128)$", ""));
        }
      }
    }
    return vips;
  }

  /** Sum of {@code vipd_failovers_total} over every running node's /metrics. */
  static double failovers(E2eLab e2e) {
    double total = 0;
    for (Node n : e2e.nodes.values()) {
      if (n.running()) {
        total += sum(n.http("/metrics"), "vipd_failovers_total");
      }
    }
    return total;
  }

  /** Per node, the sum of the samples of {@code metric} on its /metrics. */
  static Map<String, Double> perNode(E2eLab e2e, String metric) {
    Map<String, Double> out = new TreeMap<>();
    for (Node n : e2e.nodes.values()) {
      if (n.running()) {
        out.put(n.name, sum(n.http("/metrics"), metric));
      }
    }
    return out;
  }

  static double sum(String metrics, String name) {
    if (metrics == null) {
      return Double.NaN;
    }
    double total = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }
}
