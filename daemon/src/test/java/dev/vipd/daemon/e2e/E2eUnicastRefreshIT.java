package dev.vipd.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.daemon.e2e.E2eLab.Node;
import dev.vipd.testlab.Host;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The targeted refresh (issue 13): a gateway namespace on the pool's segment drops, with
 * nftables, every broadcast ARP frame and every multicast Neighbor Advertisement coming in, as a
 * router that ignores gratuitous announcements would. Its neighbour entries for a VIP are kept
 * REACHABLE (a long reachable time), so it never re-resolves on its own.
 *
 * <p>First without {@code announce.unicast-targets}: after {@code kill -9} of the owner, the
 * gateway's entry stays on the dead owner's MAC (the control: the drops work, the gratuitous
 * announcements do not reach it). Then with the gateway as the pool's unicast target: after the
 * next takeover its entries, IPv4 and IPv6, move to the new owner's MAC.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class E2eUnicastRefreshIT extends E2eLabTest {
  private static final String GATEWAY_MAC = "02:00:00:00:01:fe";
  private static final String VIP4 = "198.51.100.100";
  private static final String VIP6 = "2001:db8::100";
  private static final Pattern LLADDR = Pattern.compile("lladdr ([0-9a-f:]{17})");
  /** Well past a takeover's GARP burst (3 x 100 ms in this lab) and a refresh's pacing. */
  private static final Duration AFTER_TAKEOVER = Duration.ofSeconds(3);

  private Host gateway;

  @Override
  String labName() {
    return "unicast-refresh";
  }

  @BeforeAll
  void addGateway() throws Exception {
    gateway = e2e.lab.host("g", GATEWAY_MAC, "198.51.100.1/24", "2001:db8::1/64");
    // Entries stay REACHABLE for 10 minutes: the gateway never probes or re-resolves by itself.
    gateway.run("sysctl", "-q", "-w", "net.ipv4.neigh.eth0.base_reachable_time_ms=600000",
        "net.ipv6.neigh.eth0.base_reachable_time_ms=600000");
    Path rules = e2e.dir.resolve("gateway.nft");
    Files.writeString(rules, String.join("\n",
        "table netdev vipdt_gateway {",
        "  chain in {",
        "    type filter hook ingress device \"eth0\" priority 0; policy accept;",
        "    ether type arp ether daddr ff:ff:ff:ff:ff:ff counter drop",
        "    ether daddr & ff:ff:00:00:00:00 == 33:33:00:00:00:00"
            + " icmpv6 type nd-neighbor-advert counter drop",
        "  }",
        "}", ""));
    gateway.run("nft", "-f", rules.toString());
  }

  @AfterAll
  void dropRules() {
    if (gateway != null) {
      gateway.exec("nft", "delete", "table", "netdev", "vipdt_gateway");
    }
  }

  @Test
  @Order(1)
  void withoutUnicastTargetsTheGatewayKeepsTheDeadOwnersMac() {
    Takeover t = takeover(false);
    E2eLab.sleep(AFTER_TAKEOVER.toMillis());
    assertThat(gatewayMac(VIP4)).as("gateway's entry for " + VIP4 + " (control)")
        .isEqualTo(t.oldMac4);
    assertThat(gatewayMac(VIP6)).as("gateway's entry for " + VIP6 + " (control)")
        .isEqualTo(t.oldMac6);
    assertThat(dropped()).as("broadcast ARP / multicast NA dropped at the gateway")
        .isGreaterThan(0);
    System.out.printf("E2E unicast refresh, control: after kill -9 of %s the gateway still has"
        + " %s for %s and %s for %s (%d frames dropped)%n", t.victim, t.oldMac4, VIP4, t.oldMac6,
        VIP6, dropped());
  }

  @Test
  @Order(2)
  void withTheGatewayAsUnicastTargetItsEntriesFollowTheTakeover() {
    Takeover t = takeover(true);
    String[] seen = new String[2];
    e2e.awaitTrue("the gateway's entries on the new owners' MACs", AFTER_TAKEOVER, () -> {
      seen[0] = gatewayMac(VIP4);
      seen[1] = gatewayMac(VIP6);
      return t.newMac4.equals(seen[0]) && t.newMac6.equals(seen[1]);
    });
    long took = (System.nanoTime() - t.killedAtNanos) / 1_000_000;
    assertThat(seen[0]).isNotEqualTo(t.oldMac4);
    System.out.printf("E2E unicast refresh: after kill -9 of %s the gateway moved %s to %s and %s"
        + " to %s, %d ms after the kill, with broadcasts and multicast NAs dropped%n", t.victim,
        VIP4, seen[0], VIP6, seen[1], took);
  }

  /** What a takeover changed: the victim, and the MACs before and after, per family. */
  private record Takeover(String victim, String oldMac4, String oldMac6, String newMac4,
      String newMac6, long killedAtNanos) {}

  /**
   * Configures (or not) the gateway as pool web's unicast target, lets the gateway resolve both
   * VIPs, kills the owners of both (one node or two) and waits until a survivor owns them.
   */
  private Takeover takeover(boolean targets) {
    for (Node n : e2e.nodes.values()) {
      String text = e2e.configText(n);
      if (targets) {
        String web = "health-checks = [\"svc\"] }";
        assertThat(text).contains(web);
        text = text.replace(web, "health-checks = [\"svc\"],\n      announce.unicast-targets ="
            + " [\"198.51.100.1\", \"2001:db8::1\"] }");
      }
      e2e.writeConfigText(n, text);
      e2e.signal(n, "HUP");
    }
    E2eLab.sleep(1_000);
    Map<String, String> owners = e2e.awaitConverged(Duration.ofSeconds(30));
    Node victim = e2e.node(owners.get(VIP4));
    gateway.run("ip", "neigh", "flush", "dev", "eth0");
    // The gateway resolves both VIPs the normal way (its requests go out; replies are unicast).
    // The IPv4 ping itself gets no echo reply: the owner's kernel cannot resolve the gateway
    // with its broadcast ARP request, which the gateway drops; the entry is what counts here.
    gateway.exec("ping", "-4", "-c", "1", "-W", "1", VIP4);
    gateway.run("ping", "-6", "-c", "1", "-W", "2", VIP6);
    Node owner6 = e2e.node(owners.get(VIP6));
    String old4 = gatewayMac(VIP4);
    String old6 = gatewayMac(VIP6);
    assertThat(old4).as("gateway resolved " + VIP4).isEqualTo(victim.host.mac());
    assertThat(old6).as("gateway resolved " + VIP6).isEqualTo(owner6.host.mac());

    long killed = System.nanoTime();
    victim.vipd.destroyForcibly();
    owner6.vipd.destroyForcibly();
    E2eLab.waitFor(victim.vipd, Duration.ofSeconds(5));
    E2eLab.waitFor(owner6.vipd, Duration.ofSeconds(5));
    AtomicReference<Map<String, String>> holder = new AtomicReference<>();
    e2e.awaitTrue("a survivor owns " + VIP4 + " and " + VIP6, Duration.ofSeconds(15), () -> {
      Map<String, String> now = e2e.agreedOwners();
      holder.set(now);
      return now != null && e2e.node(now.get(VIP4)).running()
          && e2e.node(now.get(VIP6)).running();
    });
    Map<String, String> after = holder.get();
    Node new4 = e2e.node(after.get(VIP4));
    Node new6 = e2e.node(after.get(VIP6));
    return new Takeover(victim.name + (owner6 == victim ? "" : "+" + owner6.name), old4, old6,
        new4.host.mac(), new6.host.mac(), killed);
  }

  /** The gateway's neighbour entry for {@code vip}: its MAC, or "none". */
  private String gatewayMac(String vip) {
    String out = gateway.exec("ip", vip.contains(":") ? "-6" : "-4", "neigh", "show", vip, "dev",
        "eth0").output().toLowerCase(Locale.ROOT);
    Matcher m = LLADDR.matcher(out);
    return m.find() ? m.group(1) : "none";
  }

  /** Frames the gateway's rules dropped so far. */
  private long dropped() {
    Matcher m = Pattern.compile("packets (\\d+)").matcher(
        gateway.exec("nft", "list", "table", "netdev", "vipdt_gateway").output());
    long sum = 0;
    while (m.find()) {
      sum += Long.parseLong(m.group(1));
    }
    return sum;
  }
}
