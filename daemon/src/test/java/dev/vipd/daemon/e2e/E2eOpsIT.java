package dev.vipd.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.daemon.e2e.E2eLab.Node;
import dev.vipd.protocol.raw.EtherKind;
import dev.vipd.protocol.raw.PacketSocket;
import dev.vipd.protocol.wire.ArpFrames;
import dev.vipd.protocol.wire.InetAddresses;
import dev.vipd.testlab.Host;
import dev.vipd.testlab.Sh;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What an operator relies on around failover, with the real daemon in the 3-node lab: the HTTP
 * endpoints and {@code vipd status}, a MAC change re-announcing, a drain that survives a restart,
 * the takeover metrics after {@code kill -9}, and {@code vipd cleanup} after a crash. One lab
 * serves every test; each starts from a converged cluster with the original MACs ({@link
 * #restore}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class E2eOpsIT extends E2eLabTest {
  private static final String VIP = "198.51.100.100";
  /** An operator's own local route, without vipd's marker; cleanup must leave it. */
  private static final String OPERATOR_LOCAL = "198.51.100.200/32";

  @Override
  String labName() {
    return "ops";
  }

  @Test
  @Order(1)
  void healthzIsOkStatusNamesEveryOwnerAndPostIsRefused() {
    Map<String, String> owners = e2e.awaitConverged(Duration.ofSeconds(30));
    for (Node n : e2e.nodes.values()) {
      String url = "http://" + n.address() + ":9476";
      assertThat(curl("-o", "/dev/null", "-w", "%{http_code}", url + "/healthz"))
          .as("GET /healthz on " + n.name).isEqualTo("200");
      Map<String, String> seen = E2eLab.owners(MiniJson.object(n.http("/status")));
      assertThat(seen).as("/status of " + n.name).containsOnlyKeys(e2e.allVips())
          .doesNotContainValue(null).isEqualTo(owners);
      assertThat(curl("-o", "/dev/null", "-w", "%{http_code}", "-d", "", url + "/metrics"))
          .as("POST /metrics on " + n.name).isEqualTo("405");
      assertThat(curl("-o", "/dev/null", "-D", "-", "-d", "", url + "/metrics").toLowerCase())
          .contains("allow: get, head");
    }
    System.out.printf("E2E http: /healthz 200, /status names %d VIPs with owners, POST 405 on "
        + "all three nodes%n", owners.size());
  }

  @Test
  @Order(2)
  void statusCliPrintsEveryVipWithItsOwnerAndAStoppedDaemonExitsFour() {
    Map<String, String> owners = e2e.awaitConverged(Duration.ofSeconds(30));
    Node n = e2e.node("h2");
    Sh.Result text = n.cli("status");
    assertThat(text.exitCode()).as(text.output()).isZero();
    Map<String, String> printed = new LinkedHashMap<>();
    for (String line : text.output().split("\n")) {
      String[] words = line.trim().split("\\s+");
      if (words.length >= 2 && owners.containsKey(words[0])) {
        printed.put(words[0], words[1]);
      }
    }
    assertThat(printed).as("VIP -> owner in:\n" + text.output()).isEqualTo(owners);

    Sh.Result json = n.cli("status", "--json");
    assertThat(json.exitCode()).as(json.output()).isZero();
    assertThat(E2eLab.owners(MiniJson.object(E2eFailoverIT.jsonLine(json.output()))))
        .isEqualTo(owners);

    Sh.Result down = e2e.vipdIn(n.host, "status", "--socket", "/nonexistent");
    System.out.printf("E2E vipd status --socket /nonexistent: exit %d: %s%n", down.exitCode(),
        down.output().strip());
    assertThat(down.exitCode()).as(down.output()).isEqualTo(4);
    assertThat(down.output()).contains("is vipd running?");
  }

  @Test
  @Order(3)
  void macChangeOnTheOwnerMovesTheClientsNeighbourEntryWithoutClientTraffic() {
    Map<String, String> owners = e2e.awaitConverged(Duration.ofSeconds(30));
    Node node = e2e.node(owners.get(VIP));
    List<String> vips = new ArrayList<>();
    owners.forEach((vip, owner) -> {
      if (owner.equals(node.name) && E2eLab.WEB.contains(vip)) {
        vips.add(vip);
      }
    });
    String oldMac = node.host.mac();
    String newMac = "02:00:00:00:0a:0" + node.index;
    for (String vip : vips) {
      Sh.Result ping = e2e.client.exec("ping", "-c", "1", "-W", "2", vip);
      assertThat(ping.succeeded()).as(ping.output()).isTrue();
      assertThat(neighbourMac(vip)).as("client's entry for " + vip).isEqualTo(oldMac);
    }
    // The kernel then announces the host's own address (not the VIPs), so that the peers' cluster
    // traffic keeps reaching it while the MAC is changed.
    node.host.run("sysctl", "-q", "-w", "net.ipv4.conf.eth0.arp_notify=1");
    node.host.run("sysctl", "-q", "-w", "net.ipv6.conf.eth0.ndisc_notify=1");
    try {
      long t0 = System.nanoTime();
      node.host.run("ip", "link", "set", "eth0", "address", newMac);
      Map<String, Long> moved = awaitNeighbours(vips, newMac, t0);
      System.out.printf("E2E MAC change on %s (%s -> %s): client's entries moved after %s ms%n",
          node.name, oldMac, newMac, moved);
      Map<String, String> entries = new LinkedHashMap<>();
      vips.forEach(vip -> entries.put(vip, neighbourMac(vip)));
      assertThat(moved).as("VIP -> ms until the client's entry named " + newMac
          + " (re-announced with the new MAC); the client's entries 20 s after the change: "
          + entries).containsOnlyKeys(vips);
    } finally {
      long t1 = System.nanoTime();
      node.host.run("ip", "link", "set", "eth0", "address", oldMac);
      Map<String, Long> back = awaitNeighbours(vips, oldMac, t1);
      System.out.printf("E2E MAC restored on %s: client's entries back after %s ms%n", node.name,
          back);
      node.host.run("sysctl", "-q", "-w", "net.ipv4.conf.eth0.arp_notify=0");
      node.host.run("sysctl", "-q", "-w", "net.ipv6.conf.eth0.ndisc_notify=0");
    }
    Map<String, String> after = e2e.awaitConverged(Duration.ofSeconds(60));
    for (String vip : e2e.allVips()) {
      assertThat(Prober.askOnce(e2e.client, E2eFailoverIT.address(vip), E2eLab.SERVICE_PORT))
          .as("answer from " + vip + " after the MAC was restored").isEqualTo(after.get(vip));
    }
  }

  /** Polls (no traffic) the client's neighbour table; VIP -> ms until it named {@code mac}. */
  private Map<String, Long> awaitNeighbours(List<String> vips, String mac, long t0) {
    Map<String, Long> moved = new LinkedHashMap<>();
    long deadline = t0 + Duration.ofSeconds(20).toNanos();
    while (moved.size() < vips.size() && System.nanoTime() < deadline) {
      for (String vip : vips) {
        if (!moved.containsKey(vip) && mac.equals(neighbourMac(vip))) {
          moved.put(vip, millisSince(t0));
        }
      }
      E2eLab.sleep(10);
    }
    return moved;
  }

  /** The link-layer address in the client's neighbour entry for {@code ip}, or null. */
  private String neighbourMac(String ip) {
    String out = e2e.client.exec("ip", "neigh", "show", ip, "dev", "eth0").output();
    String[] words = out.trim().split("\\s+");
    for (int i = 0; i + 1 < words.length; i++) {
      if (words[i].equals("lladdr")) {
        return words[i + 1];
      }
    }
    return null;
  }

  @Test
  @Order(4)
  void drainSurvivesARestartUntilUndrain() throws Exception {
    Map<String, String> owners = e2e.awaitConverged(Duration.ofSeconds(30));
    Node node = e2e.node(owners.get(VIP));
    Sh.Result drain = node.cli("drain");
    assertThat(drain.exitCode()).as(drain.output()).isZero();
    assertThat(node.drained).as("drain state file").exists();
    assertThat(e2e.awaitConverged(Duration.ofSeconds(30))).doesNotContainValue(node.name);

    e2e.signal(node, "TERM");
    assertThat(E2eLab.waitFor(node.vipd, Duration.ofSeconds(20))).as("exit after SIGTERM")
        .isTrue();
    assertThat(node.vipd.exitValue()).isZero();
    long t0 = System.nanoTime();
    node.startVipd();
    List<String> violations = new ArrayList<>();
    e2e.awaitTrue(node.name + " rejoined and drained in every view", Duration.ofSeconds(90),
        () -> ownsNothingAndDrainedEverywhere(node, violations));
    long joined = System.nanoTime();
    System.out.printf("E2E drain + restart: %s rejoined drained after %d ms%n", node.name,
        millisSince(t0));
    while (System.nanoTime() - joined < Duration.ofSeconds(5).toNanos()) {
      assertThat(ownsNothingAndDrainedEverywhere(node, violations))
          .as(node.name + " drained in every view " + millisSince(joined) + " ms after joining")
          .isTrue();
      E2eLab.sleep(200);
    }
    assertThat(violations).as("views naming the drained " + node.name + " as an owner").isEmpty();
    assertThat(e2e.awaitConverged(Duration.ofSeconds(10))).doesNotContainValue(node.name);

    Sh.Result undrain = node.cli("undrain");
    assertThat(undrain.exitCode()).as(undrain.output()).isZero();
    e2e.awaitTrue(node.name + " not drained in every view", Duration.ofSeconds(10), () -> {
      for (Node n : e2e.nodes.values()) {
        Map<String, Object> status = n.status();
        if (status == null
            || !Boolean.FALSE.equals(E2eLab.members(status).get(node.name).get("drained"))) {
          return false;
        }
      }
      return true;
    });
    assertThat(node.drained).as("drain state file after undrain").doesNotExist();
  }

  /**
   * True when every node answers and sees {@code node} as a verified, drained member; any view
   * naming {@code node} as the owner of a VIP is added to {@code violations}.
   */
  private boolean ownsNothingAndDrainedEverywhere(Node node, List<String> violations) {
    boolean all = true;
    for (Node n : e2e.nodes.values()) {
      Map<String, Object> status = n.status();
      if (status == null) {
        all = false;
        continue;
      }
      if (E2eLab.owners(status).containsValue(node.name)) {
        violations.add(n.name + ": " + E2eLab.owners(status));
      }
      Map<String, Object> m = E2eLab.members(status).get(node.name);
      all &= m != null && Boolean.TRUE.equals(m.get("verified"))
          && Boolean.TRUE.equals(m.get("drained"));
    }
    return all;
  }

  @Test
  @Order(5)
  void killMinusNineIsCountedAsAFailoverWithATakeoverTimeOnTheNewOwner() {
    Map<String, String> owners = e2e.awaitConverged(Duration.ofSeconds(30));
    Node victim = e2e.node(owners.get(VIP));
    Map<String, double[]> before = new LinkedHashMap<>();
    for (Node n : e2e.nodes.values()) {
      if (n != victim) {
        before.put(n.name, takeoverNumbers(n.http("/metrics")));
      }
    }
    long t0 = System.nanoTime();
    victim.vipd.destroyForcibly();
    assertThat(E2eLab.waitFor(victim.vipd, Duration.ofSeconds(10))).isTrue();
    e2e.awaitTrue(VIP + " owned by a survivor", Duration.ofSeconds(30), () -> {
      Map<String, String> now = e2e.agreedOwners();
      return now != null && before.containsKey(now.get(VIP));
    });
    Node owner = e2e.node(e2e.agreedOwners().get(VIP));
    Node third = e2e.nodes.values().stream().filter(n -> n != victim && n != owner).findFirst()
        .orElseThrow();
    double[] was = before.get(owner.name);
    double[][] now = new double[1][];
    e2e.awaitTrue("takeover recorded on " + owner.name, Duration.ofSeconds(20), () -> {
      now[0] = takeoverNumbers(owner.http("/metrics"));
      return now[0][0] - was[0] >= 1 && now[0][2] - was[2] >= 1;
    });
    double count = now[0][0] - was[0];
    double sum = now[0][1] - was[1];
    System.out.printf("E2E kill -9 %s: %s took %s after %d ms; on %s vipd_takeover_seconds "
            + "+%.0f takeovers, +%.3f s in all (mean %.0f ms); failovers of %s +%.0f%n",
        victim.name, owner.name, VIP, millisSince(t0), owner.name, count, sum,
        1000 * sum / count, VIP, now[0][2] - was[2]);
    assertThat(sum).as("vipd_takeover_seconds_sum increase").isPositive().isLessThan(5.0);
    String vipLabel = "vip=\"" + VIP + "\"";
    assertThat(sample(owner.http("/metrics"), "vipd_vip_owned", vipLabel))
        .as("vipd_vip_owned on the new owner " + owner.name).isEqualTo(1.0);
    assertThat(sample(third.http("/metrics"), "vipd_vip_owned", vipLabel))
        .as("vipd_vip_owned on " + third.name).isEqualTo(0.0);

    victim.startVipd();
    e2e.awaitConverged(Duration.ofSeconds(90));
  }

  /** {takeover count, takeover sum, failovers of VIP for a lost or suspected member}. */
  private static double[] takeoverNumbers(String metrics) {
    assertThat(metrics).as("/metrics").isNotNull();
    String vipLabel = "vip=\"" + VIP + "\"";
    return new double[] {
        sample(metrics, "vipd_takeover_seconds_count"),
        sample(metrics, "vipd_takeover_seconds_sum"),
        sample(metrics, "vipd_failovers_total", vipLabel, "reason=\"member-lost\"")
            + sample(metrics, "vipd_failovers_total", vipLabel, "reason=\"member-suspected\"")
    };
  }

  /** The sum of the samples of {@code name} whose labels contain every fragment (0 if none). */
  static double sample(String metrics, String name, String... labels) {
    double total = 0;
    for (String line : metrics.split("\n")) {
      if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) {
        continue;
      }
      int end = line.startsWith(name + "{") ? line.lastIndexOf('}') + 1 : name.length();
      String labelText = line.substring(name.length(), end);
      boolean match = true;
      for (String l : labels) {
        match &= labelText.contains(l);
      }
      if (match) {
        total += Double.parseDouble(line.substring(end).trim().split("\\s+")[0]);
      }
    }
    return total;
  }

  @Test
  @Order(6)
  void cleanupAfterKillMinusNineRemovesOnlyVipdsLocalRoutes() {
    Map<String, String> owners = e2e.awaitConverged(Duration.ofSeconds(30));
    Node node = e2e.node(owners.get(VIP));
    Host host = node.host;
    host.run("ip", "route", "add", "local", OPERATOR_LOCAL, "dev", "lo", "table", "local");
    try {
      assertThat(marked(host, "-4")).as("vipd's routes while running").contains(VIP);
      node.vipd.destroyForcibly();
      assertThat(E2eLab.waitFor(node.vipd, Duration.ofSeconds(10))).isTrue();
      String left = marked(host, "-4") + marked(host, "-6");
      assertThat(left).as("routes a killed vipd left").contains(VIP);

      Sh.Result cleanup = e2e.vipdIn(host, "cleanup");
      System.out.printf("E2E cleanup on %s after kill -9: exit %d, left before:%n%s%n", node.name,
          cleanup.exitCode(), left.strip());
      assertThat(cleanup.exitCode()).as(cleanup.output()).isZero();
      assertThat(marked(host, "-4")).as("IPv4 proto 86 routes after cleanup").isBlank();
      assertThat(marked(host, "-6")).as("IPv6 proto 86 routes after cleanup").isBlank();
      assertThat(host.exec("ip", "route", "show", "table", "local").output())
          .as("the operator's local route").contains("local " + OPERATOR_LOCAL.replace("/32", ""));
    } finally {
      host.exec("ip", "route", "del", "local", OPERATOR_LOCAL, "dev", "lo", "table", "local");
    }
    node.startVipd();
    e2e.awaitConverged(Duration.ofSeconds(90));
  }

  /** vipd's marked local routes in a host, one family ({@code -4} or {@code -6}). */
  private static String marked(Host host, String family) {
    Sh.Result r = host.exec("ip", family, "route", "show", "table", "local", "proto", "86");
    assertThat(r.succeeded()).as(r.output()).isTrue();
    return r.output();
  }

  private String curl(String... args) {
    List<String> argv = new ArrayList<>(List.of("curl", "-s", "-m", "3"));
    argv.addAll(List.of(args));
    return e2e.client.exec(argv.toArray(String[]::new)).output().trim();
  }

  private static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  @Test
  @Order(20)
  void aForeignClaimIsCountedAndDefendedAtMostOncePerTenSeconds() throws Exception {
    Map<String, String> owners = e2e.awaitConverged(Duration.ofSeconds(30));
    Node owner = e2e.node(owners.get(VIP));
    Node rogue = e2e.nodes.values().stream().filter(n -> !n.name.equals(owner.name)).findFirst()
        .orElseThrow();
    Sh.Result ping = e2e.client.exec("ping", "-c", "1", "-W", "2", VIP);
    assertThat(ping.succeeded()).as(ping.output()).isTrue();
    assertThat(neighbourMac(VIP)).isEqualTo(owner.host.mac());

    MultiThreadIoEventLoopGroup group =
        new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    IoEventLoop loop = (IoEventLoop) group.next();
    try (PacketSocket socket = rogue.host.inside(() -> PacketSocket.open(loop, "eth0",
        EtherKind.ARP, frame -> {}, new SimpleMeterRegistry()))) {
      ByteBuf garp = Unpooled.directBuffer(64);
      ArpFrames.writeAnnouncement(garp, rogue.host.macValue(),
          InetAddresses.toInt((Inet4Address) InetAddress.getByName(VIP)));

      // First claim: counted, and the owner defends at once: the client ends on the owner.
      long t0 = System.nanoTime();
      assertThat(socket.send(garp)).isTrue();
      e2e.awaitTrue("conflict counted on " + owner.name, Duration.ofSeconds(20),
          () -> conflicts(owner) >= 1);
      e2e.awaitTrue("client back on the owner's MAC", Duration.ofSeconds(20),
          () -> owner.host.mac().equals(neighbourMac(VIP)));
      System.out.printf("E2E foreign GARP for %s from %s: defended, client back on %s after"
          + " %d ms%n", VIP, rogue.name, owner.name, (System.nanoTime() - t0) / 1_000_000);
      assertThat(owner.logText()).contains("op=conflict vip=" + VIP)
          .contains("defend=true");

      // Second claim within 10 s: counted, not defended again (no GARP war).
      E2eLab.sleep(1_000); // the first defence's burst is over
      assertThat(socket.send(garp)).isTrue();
      e2e.awaitTrue("second conflict counted", Duration.ofSeconds(20),
          () -> conflicts(owner) >= 2);
      assertThat(owner.logText()).contains("defend=false");
      assertThat(defences(owner)).as("defences within 10 s").isEqualTo(1);

      // After the interval a claim is defended again, which also leaves the lab as it was.
      E2eLab.sleep(9_000);
      assertThat(socket.send(garp)).isTrue();
      e2e.awaitTrue("defended again after 10 s", Duration.ofSeconds(20),
          () -> defences(owner) == 2);
      e2e.awaitTrue("client back on the owner's MAC after 10 s", Duration.ofSeconds(20),
          () -> owner.host.mac().equals(neighbourMac(VIP)));
      garp.release();
    } finally {
      group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  /** How often {@code n} defended {@link #VIP} (its log lines). */
  private static long defences(Node n) {
    return n.logText().lines()
        .filter(l -> l.contains("op=conflict vip=" + VIP + " ") && l.contains("defend=true"))
        .count();
  }

  /** {@code vipd_address_conflicts_total} for {@link #VIP} on {@code n}, 0 when absent. */
  private static double conflicts(Node n) {
    String metrics = n.http("/metrics");
    if (metrics == null) {
      return 0;
    }
    return metrics.lines()
        .filter(l -> l.startsWith("vipd_address_conflicts_total{") && l.contains("\"" + VIP + "\""))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}
