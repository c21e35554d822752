package dev.vipd.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vipd.daemon.e2e.E2eLab.Node;
import dev.vipd.testlab.Host;
import dev.vipd.testlab.Sh;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A pool on an interface that has no IP address (issue 13): on every host the pool's interface
 * carries no IPv4 address and no global IPv6 address, only the link-local address the kernel
 * gives every IPv6 link (without it the kernel cannot send a Neighbor Solicitation, so no IPv6
 * reply could leave the host, whoever answers for the VIP). The pool is added by
 * reload; the client, on that link only, sees one MAC per VIP and reaches the VIPs; after {@code
 * kill -9} of the owner another host answers. Run twice: on an 802.1Q sub-interface {@code
 * eth0.100} (VLAN 100 over the lab bridge; needs a kernel with 802.1Q, else skipped naming that),
 * and on a plain second link {@code eth2} on a bridge of its own (any kernel).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class E2eVlanIT extends E2eLabTest {
  private static final String VIP4 = "203.0.113.250";
  private static final String VIP6 = "2001:db8:100::250";

  @Override
  String labName() {
    return "vlan";
  }

  @Test
  @Order(1)
  void aPoolOnALinkWithoutAddressesIsAnsweredAndFailsOver() {
    e2e.lab.inBridge("ip", "link", "add", "br2", "type", "bridge", "stp_state", "0",
        "mcast_snooping", "0");
    e2e.lab.inBridge("ip", "link", "set", "br2", "up");
    List<Host> hosts = new ArrayList<>();
    e2e.nodes.values().forEach(n -> hosts.add(n.host));
    hosts.add(e2e.client);
    try {
      for (int i = 0; i < hosts.size(); i++) {
        String port = "r" + (i + 1);
        e2e.lab.inBridge("ip", "link", "add", port, "type", "veth", "peer", "name", "eth2",
            "netns", hosts.get(i).namespace());
        E2eLab.mustRun(e2e.lab.inBridge("ip", "link", "set", port, "master", "br2", "up"));
        hosts.get(i).run("ip", "link", "set", "eth2", "address",
            hosts.get(i).mac().replaceFirst("^02:00:00:00:01", "02:00:00:00:03"));
      }
      failsOverOn("eth2", n -> n.host.mac().replaceFirst("^02:00:00:00:01", "02:00:00:00:03"));
    } finally {
      e2e.lab.inBridge("ip", "link", "del", "br2");
      for (Host h : hosts) {
        h.exec("ip", "link", "del", "eth2");
      }
    }
  }

  @Test
  @Order(2)
  void aPoolOnAVlanSubInterfaceWithoutAddressesIsAnsweredAndFailsOver() {
    Sh.Result probe = e2e.client.exec("ip", "link", "add", "link", "eth0", "name", "vlanprobe",
        "type", "vlan", "id", "4000");
    assumeTrue(probe.succeeded(), "this kernel cannot create 802.1Q sub-interfaces (no"
        + " CONFIG_VLAN_8021Q / 8021q module): " + probe.output().strip());
    e2e.client.exec("ip", "link", "del", "vlanprobe");
    String vlan = "eth0.100";
    List<Host> hosts = new ArrayList<>();
    e2e.nodes.values().forEach(n -> hosts.add(n.host));
    hosts.add(e2e.client);
    try {
      for (Host h : hosts) {
        h.run("ip", "link", "add", "link", "eth0", "name", vlan, "type", "vlan", "id", "100");
      }
      failsOverOn(vlan, n -> n.host.mac());
    } finally {
      for (Host h : hosts) {
        h.exec("ip", "link", "del", vlan);
      }
    }
  }

  /**
   * With {@code link} present on every host and the client (down, no addresses): leaves the
   * hosts' side without an IPv4 or global IPv6 address, gives the client one, adds the pool by reload, checks one MAC
   * and the data path, kills the owner and checks that another host answers.
   */
  private void failsOverOn(String link, Function<Node, String> macOf) {
    for (Node n : e2e.nodes.values()) {
      n.host.run("ip", "link", "set", link, "up");
      // Routes back to the client's subnets so replies from the VIPs leave on this link.
      n.host.run("ip", "route", "add", "203.0.113.128/25", "dev", link);
      n.host.run("ip", "-6", "route", "add", "2001:db8:100::/64", "dev", link);
      assertThat(n.host.run("ip", "-o", "addr", "show", "dev", link, "scope", "global").output()
          .strip()).as("global addresses on " + n.name + "'s " + link).isEmpty();
      assertThat(n.host.run("ip", "-o", "-4", "addr", "show", "dev", link).output().strip())
          .as("IPv4 addresses on " + n.name + "'s " + link).isEmpty();
    }
    e2e.client.run("ip", "link", "set", link, "up");
    e2e.client.run("ip", "addr", "add", "203.0.113.209/25", "dev", link);
    e2e.client.run("ip", "-6", "addr", "add", "2001:db8:100::9/64", "dev", link, "nodad");
    String pool = "    { name = \"bare\", interface = \"" + link + "\", addresses = [\"" + VIP4
        + "\", \"" + VIP6 + "\"] }\n";
    try {
      for (Node n : e2e.nodes.values()) {
        e2e.writeConfigText(n, withPool(e2e.configText(n), pool));
        e2e.signal(n, "HUP");
      }
      Map<String, String> owners = awaitBareOwners(Duration.ofSeconds(20));
      for (String vip : List.of(VIP4, VIP6)) {
        Node owner = e2e.node(owners.get(vip));
        assertThat(AnsweringMacs.of(e2e.client, vip, link)).as(vip + " on " + link)
            .containsExactly(macOf.apply(owner));
        assertThat(ping(vip, link)).as("ping " + vip + " over " + link).isTrue();
      }
      System.out.printf("E2E bare link %s: %s owned by %s, no IPv4/global address on the hosts' side%n",
          link, List.of(VIP4, VIP6), owners);

      Node victim = e2e.node(owners.get(VIP4));
      String victimMac = macOf.apply(victim);
      long t0 = System.nanoTime();
      victim.vipd.destroyForcibly();
      E2eLab.waitFor(victim.vipd, Duration.ofSeconds(5));
      List<Set<String>> seen = new ArrayList<>();
      e2e.awaitTrue(VIP4 + " answered by one other MAC on " + link, Duration.ofSeconds(10), () -> {
        Set<String> macs = AnsweringMacs.of(e2e.client, VIP4, link);
        seen.add(macs);
        return macs.size() == 1 && !macs.contains(victimMac);
      });
      long took = (System.nanoTime() - t0) / 1_000_000;
      assertThat(ping(VIP4, link)).as("ping " + VIP4 + " after the failover").isTrue();
      assertThat(AnsweringMacs.of(e2e.client, VIP6, link)).as(VIP6).hasSize(1)
          .doesNotContain(victimMac);
      System.out.printf("E2E bare link %s: kill -9 of %s, %s answered by %s within %d ms%n",
          link, victim.name, VIP4, seen.get(seen.size() - 1), took);
    } finally {
      for (Node n : e2e.nodes.values()) {
        if (n.running()) {
          e2e.writeConfig(n);
          e2e.signal(n, "HUP");
        }
      }
      E2eLab.sleep(1_000);
    }
  }

  private static String withPool(String config, String pool) {
    String edge = "    { name = \"edge\"";
    assertThat(config).contains(edge);
    return config.replace(edge, pool + edge);
  }

  /** The owners of the VLAN pool's VIPs once every running node reports the same one. */
  private Map<String, String> awaitBareOwners(Duration timeout) {
    List<Map<String, String>> result = new ArrayList<>();
    e2e.awaitTrue("the bare pool's VIPs owned and agreed", timeout, () -> {
      Map<String, String> agreed = null;
      for (Node n : e2e.nodes.values()) {
        Map<String, Object> status = n.running() ? n.status() : null;
        if (status == null) {
          return false;
        }
        Map<String, String> all = E2eLab.owners(status);
        Map<String, String> vlan = new java.util.TreeMap<>();
        for (String vip : List.of(VIP4, VIP6)) {
          if (all.get(vip) == null) {
            return false;
          }
          vlan.put(vip, all.get(vip));
        }
        if (agreed != null && !agreed.equals(vlan)) {
          return false;
        }
        agreed = vlan;
      }
      result.add(agreed);
      return true;
    });
    return result.get(result.size() - 1);
  }

  private boolean ping(String vip, String link) {
    return e2e.client.exec("ping", vip.contains(":") ? "-6" : "-4", "-c", "1", "-W", "2", "-I",
        link, vip).succeeded();
  }
}
