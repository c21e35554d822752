package dev.vipd.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.daemon.e2e.E2eLab.Node;
import dev.vipd.protocol.lab.NetnsLab;
import dev.vipd.protocol.lab.Sh;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real daemon in a 3-node lab: a client reaches every VIP, and the VIPs move on kill -9,
 * SIGTERM, link loss, a failing health check and drain, while a client probing every 10 ms counts
 * what it lost. One lab serves every test; tests run from the gentlest to the most disruptive and
 * each starts from a converged cluster ({@link #restore}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class E2eFailoverIT {
  private static final String VIP = "198.51.100.100";
  private static final String EDGE_VIP = "203.0.113.100";

  private E2eLab e2e;

  @BeforeAll
  void startLab() throws Exception {
    NetnsLab.assumeAvailable();
    long t0 = System.nanoTime();
    e2e = E2eLab.start("failover");
    System.out.printf("E2E lab up, all VIPs owned after %d ms: %s%n",
        (System.nanoTime() - t0) / 1_000_000, e2e.agreedOwners());
  }

  @AfterAll
  void stopLab() {
    if (e2e != null) {
      e2e.close();
    }
  }

  /** Links up, services and daemons running, nobody drained, and the cluster agreeing. */
  @BeforeEach
  void restore() throws Exception {
    for (Node n : e2e.nodes.values()) {
      n.host.exec("ip", "link", "set", "eth0", "up");
      n.host.exec("ip", "link", "set", "eth1", "up");
      e2e.lab.inBridge("ip", "link", "set", n.edgePort(), "up");
      n.startService();
      e2e.writeConfig(n);
      n.startVipd();
    }
    for (Node n : e2e.nodes.values()) {
      Map<String, Object> status = null;
      for (int i = 0; i < 300 && status == null; i++) {
        status = n.status();
        E2eLab.sleep(100);
      }
      assertThat(status).as("status of " + n.name).isNotNull();
      if (Boolean.TRUE.equals(E2eLab.members(status).get(n.name).get("drained"))) {
        E2eLab.control(n.socket, "undrain");
      }
    }
    e2e.awaitConverged(Duration.ofSeconds(90));
  }

  @Test
  @Order(1)
  void clientReachesEveryVipOnTheOwnerTheStatusNames() throws Exception {
    Map<String, String> owners = e2e.awaitConverged(Duration.ofSeconds(30));
    Sh.Result cli = e2e.node("h1").cli("status", "--json");
    assertThat(cli.exitCode()).as(cli.output()).isZero();
    assertThat(E2eLab.owners(MiniJson.object(jsonLine(cli.output())))).isEqualTo(owners);

    Map<String, Integer> spread = new TreeMap<>();
    for (String vip : e2e.allVips()) {
      InetAddress address = InetAddress.getByName(vip);
      String udp = Prober.askOnce(e2e.client, address, E2eLab.SERVICE_PORT);
      String tcp = e2e.client.inside(() -> tcpHello(address));
      assertThat(udp).as("UDP answer from " + vip).isEqualTo(owners.get(vip));
      assertThat(tcp).as("TCP answer from " + vip).isEqualTo(owners.get(vip));
      spread.merge(owners.get(vip), 1, Integer::sum);
    }
    System.out.printf("E2E reachability: every VIP answered by its owner; VIPs per host %s%n",
        spread);
    assertThat(spread.keySet()).isSubsetOf(e2e.nodes.keySet());
  }

  @Test
  @Order(2)
  void killMinusNineMovesTheVipAndTheRestartedNodeTakesNothingBack() {
    Map<String, String> owners = e2e.awaitConverged(Duration.ofSeconds(30));
    Node victim = e2e.node(owners.get(VIP));
    List<Prober> probers = probeVipsOf(victim, owners);
    try {
      long t0 = System.nanoTime();
      victim.vipd.destroyForcibly();
      assertThat(E2eLab.waitFor(victim.vipd, Duration.ofSeconds(10))).isTrue();
      for (Prober p : probers) {
        assertThat(p.awaitAnsweredByOtherThan(victim.name, 10, 5_000))
            .as("a survivor answers after kill -9 of " + victim.name).isTrue();
      }
      System.out.printf("E2E kill -9 %s: all its VIPs answered elsewhere %d ms after the kill%n",
          victim.name, (System.nanoTime() - t0) / 1_000_000);
    } finally {
      report("kill -9", stopAll(probers));
    }
    Map<String, String> before = e2e.awaitConverged(Duration.ofSeconds(30));
    assertThat(before.get(VIP)).isNotEqualTo(victim.name);
    victim.startVipd();
    Map<String, String> after = e2e.awaitConverged(Duration.ofSeconds(90));
    E2eLab.sleep(2000);
    assertThat(e2e.awaitConverged(Duration.ofSeconds(30)))
        .as("ownership after " + victim.name + " rejoined").isEqualTo(before).isEqualTo(after);
  }

  private List<Prober> probeVipsOf(Node node, Map<String, String> owners) {
    List<Prober> probers = new ArrayList<>();
    for (Map.Entry<String, String> e : owners.entrySet()) {
      if (e.getValue().equals(node.name)) {
        probers.add(Prober.start(e2e.client, address(e.getKey()), E2eLab.SERVICE_PORT));
      }
    }
    for (Prober p : probers) {
      p.awaitRequests(20, 5_000);
      assertThat(p.lastAnswer()).as("warm-up answer").isEqualTo(node.name);
    }
    return probers;
  }

  static List<Prober.Summary> stopAll(List<Prober> probers) {
    List<Prober.Summary> out = new ArrayList<>();
    for (Prober p : probers) {
      out.add(p.stop());
    }
    return out;
  }

  static void report(String what, List<Prober.Summary> summaries) {
    for (Prober.Summary s : summaries) {
      System.out.printf("E2E %s: %s%n", what, s);
    }
  }

  static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  static String jsonLine(String output) {
    for (String line : output.split("\n")) {
      if (line.startsWith("{")) {
        return line;
      }
    }
    throw new AssertionError("no JSON in: " + output);
  }

  private static String tcpHello(InetAddress vip) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(vip, E2eLab.SERVICE_PORT), 2000);
      s.setSoTimeout(2000);
      return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
          .readLine();
    }
  }
}
