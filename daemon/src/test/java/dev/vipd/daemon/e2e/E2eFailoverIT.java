package dev.vipd.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.daemon.e2e.E2eLab.Node;
import dev.vipd.testlab.Sh;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real daemon in a 3-node lab: a client reaches every VIP, and the VIPs move on kill -9,
 * SIGTERM, link loss, a failing health check and drain, while a client probing every 10 ms counts
 * what it lost. One lab serves every test; tests run from the gentlest to the most disruptive and
 * each starts from a converged cluster ({@link #restore}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class E2eFailoverIT extends E2eLabTest {
  private static final String VIP = "198.51.100.100";
  private static final String EDGE_VIP = "203.0.113.100";

  @Override
  String labName() {
    return "failover";
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
  @Order(8)
  void killMinusNineMovesTheVipAndTheRestartedNodeTakesNothingBack() {
    Map<String, String> owners = e2e.awaitConverged(Duration.ofSeconds(30));
    Node victim = e2e.node(owners.get(VIP));
    List<Prober> probers = probeVipsOf(victim, owners);
    try {
      long t0 = System.nanoTime();
      victim.vipd.destroyForcibly();
      assertThat(E2eLab.waitFor(victim.vipd, Duration.ofSeconds(10))).isTrue();
      for (Prober p : probers) {
        assertThat(p.awaitAnsweredByOtherThan(victim.name, 10, 20_000))
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

  @Test
  @Order(3)
  @SuppressWarnings("unchecked")
  void prometheusScrapesOwnershipFromAllThreeNodes() throws Exception {
    Map<String, String> owners = e2e.awaitConverged(Duration.ofSeconds(30));
    String owner = owners.get(VIP);
    Path promDir = Files.createDirectories(e2e.dir.resolve("prometheus"));
    Path promConfig = promDir.resolve("prometheus.yml");
    Files.writeString(promConfig, String.join("\n",
        "global:",
        "  scrape_interval: 1s",
        "  scrape_timeout: 900ms",
        "scrape_configs:",
        "  - job_name: vipd",
        "    static_configs:",
        "      - targets: ['198.51.100.11:9476', '198.51.100.12:9476', '198.51.100.13:9476']",
        ""));
    Process prometheus = e2e.spawnLogged(e2e.client.namespace(), e2e.dir.resolve("prometheus.log"),
        List.of("prometheus", "--config.file=" + promConfig, "--storage.tsdb.path=" + promDir
            + "/data", "--web.listen-address=127.0.0.1:9090"));
    try {
      long t0 = System.nanoTime();
      Map<String, Double>[] last = new Map[1];
      e2e.awaitTrue("Prometheus reporting vipd_vip_owned for " + VIP + " from 3 instances",
          Duration.ofSeconds(60), () -> {
            last[0] = queryOwned(VIP);
            return last[0].size() == 3;
          });
      System.out.printf("E2E prometheus: vipd_vip_owned{vip=\"%s\"} = %s after %d ms (owner %s)%n",
          VIP, last[0], (System.nanoTime() - t0) / 1_000_000, owner);
      for (Node n : e2e.nodes.values()) {
        assertThat(last[0].get(n.address() + ":9476")).as("vipd_vip_owned on " + n.name)
            .isEqualTo(n.name.equals(owner) ? 1.0 : 0.0);
      }
    } finally {
      prometheus.destroy();
      if (!E2eLab.waitFor(prometheus, Duration.ofSeconds(10))) {
        prometheus.destroyForcibly();
      }
    }
  }

  /** instance to value of vipd_vip_owned{vip} through Prometheus' HTTP API (empty on error). */
  @SuppressWarnings("unchecked")
  private Map<String, Double> queryOwned(String vip) {
    Sh.Result r = e2e.client.exec("curl", "-s", "-m", "3", "-G",
        "--data-urlencode", "query=vipd_vip_owned{vip=\"" + vip + "\"}",
        "http://127.0.0.1:9090/api/v1/query");
    Map<String, Double> out = new TreeMap<>();
    if (!r.succeeded() || !r.output().startsWith("{")) {
      return out;
    }
    Map<String, Object> reply = MiniJson.object(r.output());
    Map<String, Object> data = (Map<String, Object>) reply.get("data");
    if (data == null) {
      return out;
    }
    for (Object o : (List<Object>) data.get("result")) {
      Map<String, Object> series = (Map<String, Object>) o;
      Map<String, Object> labels = (Map<String, Object>) series.get("metric");
      List<Object> value = (List<Object>) series.get("value");
      out.put((String) labels.get("instance"), Double.parseDouble((String) value.get(1)));
    }
    return out;
  }

  @Test
  @Order(4)
  void drainMovesEveryVipAwayWithoutLosingARequestAndUndrainMakesTheNodeEligible() {
    Map<String, String> owners = e2e.awaitConverged(Duration.ofSeconds(30));
    Node node = e2e.node(owners.get(VIP));
    List<Prober> probers = probeVipsOf(node, owners);
    List<Prober.Summary> summaries;
    Sh.Result drain;
    try {
      long t0 = System.nanoTime();
      drain = node.cli("drain");
      System.out.printf("E2E drain %s: command took %d ms: %s%n", node.name,
          (System.nanoTime() - t0) / 1_000_000, drain.output().strip());
      E2eLab.sleep(500);
    } finally {
      summaries = stopAll(probers);
      report("drain " + node.name, summaries);
    }
    assertThat(drain.exitCode()).as(drain.output()).isZero();
    Map<String, String> after = e2e.awaitConverged(Duration.ofSeconds(30));
    assertThat(after).doesNotContainValue(node.name);
    for (Prober.Summary s : summaries) {
      assertThat(s.answerers()).as(s.vip()).hasSize(2).startsWith(node.name);
      assertThat(s.lost()).as("requests lost during drain of " + s.vip()).isZero();
    }
    assertThat(E2eLab.members(node.status()).get(node.name).get("drained")).isEqualTo(true);
    // The successor announced while the drained node still answered (the hand-over grace):
    // expected, so no address conflict is counted for it.
    String metrics = node.http("/metrics");
    assertThat(metrics).isNotNull();
    assertThat(metrics.lines().filter(l -> l.startsWith("vipd_address_conflicts_total"))
        .filter(l -> !l.endsWith(" 0.0")).toList()).as("conflicts counted on a hand-over")
        .isEmpty();

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
  }

  @Test
  @Order(5)
  void sighupAddsAVipWithoutLossAndABrokenFileChangesNothing() throws Exception {
    Map<String, String> owners = e2e.awaitConverged(Duration.ofSeconds(30));
    List<Prober> probers = new ArrayList<>();
    for (String vip : owners.keySet()) {
      probers.add(Prober.start(e2e.client, address(vip), E2eLab.SERVICE_PORT));
    }
    String added = "198.51.100.104";
    List<Prober.Summary> summaries;
    try {
      for (Prober p : probers) {
        p.awaitRequests(20, 5_000);
      }
      e2e.setExtraWebAddresses(List.of(added));
      for (Node n : e2e.nodes.values()) {
        e2e.writeConfig(n);
        e2e.signal(n, "HUP");
      }
      long t0 = System.nanoTime();
      Map<String, String> withNew = e2e.awaitConverged(Duration.ofSeconds(20));
      assertThat(withNew).containsKey(added);
      String who = Prober.askOnce(e2e.client, address(added), E2eLab.SERVICE_PORT);
      System.out.printf("E2E SIGHUP: %s owned by %s, answered by %s, %d ms after the last HUP%n",
          added, withNew.get(added), who, (System.nanoTime() - t0) / 1_000_000);
      assertThat(who).isEqualTo(withNew.get(added));
      E2eLab.sleep(300);
    } finally {
      summaries = stopAll(probers);
      report("SIGHUP add VIP", summaries);
    }
    for (Prober.Summary s : summaries) {
      assertThat(s.lost()).as("requests lost to " + s.vip() + " during the reload").isZero();
    }

    Node h1 = e2e.node("h1");
    Map<String, String> before = e2e.awaitConverged(Duration.ofSeconds(10));
    double failuresBefore = metric(h1, "vipd_config_reloads_total{result=\"failure\"}");
    String good = e2e.configText(h1);
    String broken = good.replace("garp-interval", "garp-intervall");
    int line = lineOf(broken, "garp-intervall");
    int logLength = h1.logText().length();
    try {
      e2e.writeConfigText(h1, broken);
      e2e.signal(h1, "HUP");
      e2e.awaitTrue("reload failure counted on h1", Duration.ofSeconds(15),
          () -> metric(h1, "vipd_config_reloads_total{result=\"failure\"}") == failuresBefore + 1);
      String newLog = h1.logText().substring(logLength);
      System.out.printf("E2E SIGHUP broken file: failures %s -> %s, log says:%n%s%n",
          failuresBefore, failuresBefore + 1, newLog.strip());
      assertThat(newLog).contains(h1.config + ":" + line).contains("garp-intervall");
      assertThat(h1.running()).isTrue();
      assertThat(E2eLab.owners(h1.status())).isEqualTo(before);
      assertThat(e2e.awaitConverged(Duration.ofSeconds(10))).isEqualTo(before);
    } finally {
      e2e.writeConfigText(h1, good);
    }
  }

  /** A sample's value on a node's /metrics (0 when the series is absent). */
  private static double metric(Node n, String series) {
    String text = n.http("/metrics");
    if (text == null) {
      return Double.NaN;
    }
    for (String l : text.split("\n")) {
      if (l.startsWith(series + " ")) {
        return Double.parseDouble(l.substring(series.length() + 1).trim());
      }
    }
    return 0;
  }

  static int lineOf(String text, String needle) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(needle)) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException(needle + " not in the text");
  }

  @Test
  @Order(6)
  void failingHealthCheckMovesTheVipAndARecoveredServiceDoesNotTakeItBack() {
    Map<String, String> owners = e2e.awaitConverged(Duration.ofSeconds(30));
    Node node = e2e.node(owners.get(VIP));
    Prober prober = Prober.start(e2e.client, address(VIP), E2eLab.SERVICE_PORT);
    String newOwner;
    try {
      prober.awaitRequests(20, 5_000);
      long t0 = System.nanoTime();
      node.stopService();
      assertThat(prober.awaitAnsweredByOtherThan(node.name, 10, 20_000))
          .as("another host answers after the service on " + node.name + " stopped").isTrue();
      System.out.printf("E2E health: %s answered elsewhere %d ms after the service stopped%n",
          VIP, (System.nanoTime() - t0) / 1_000_000);
      newOwner = prober.lastAnswer();
    } finally {
      report("health check fails on " + node.name, List.of(prober.stop()));
    }
    Map<String, String> moved = e2e.awaitConverged(Duration.ofSeconds(10));
    assertThat(moved.get(VIP)).isEqualTo(newOwner);
    node.startService();
    e2e.awaitTrue("pool web healthy again on " + node.name, Duration.ofSeconds(10),
        () -> Boolean.TRUE.equals(pool(node.status(), "web").get("healthy-here")));
    E2eLab.sleep(2_000);
    assertThat(e2e.awaitConverged(Duration.ofSeconds(10))).as("preempt = false: nothing moves back")
        .isEqualTo(moved);
    assertThat(Prober.askOnce(e2e.client, address(VIP), E2eLab.SERVICE_PORT)).isEqualTo(newOwner);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> pool(Map<String, Object> status, String name) {
    if (status == null) {
      return Map.of();
    }
    for (Object p : (List<Object>) status.get("pools")) {
      if (name.equals(((Map<String, Object>) p).get("name"))) {
        return (Map<String, Object>) p;
      }
    }
    throw new AssertionError("no pool " + name + " in " + status);
  }

  @Test
  @Order(7)
  void sigtermHandsOverLosingAtMostAFewRequestsAndExitsZero() {
    Map<String, String> owners = e2e.awaitConverged(Duration.ofSeconds(30));
    Node node = e2e.node(owners.get(VIP));
    List<Prober> probers = probeVipsOf(node, owners);
    List<Prober.Summary> summaries;
    boolean exited;
    long exitMillis;
    try {
      long t0 = System.nanoTime();
      node.vipd.destroy();
      exited = E2eLab.waitFor(node.vipd, Duration.ofSeconds(15));
      exitMillis = (System.nanoTime() - t0) / 1_000_000;
      for (Prober p : probers) {
        p.awaitAnsweredByOtherThan(node.name, 10, 20_000);
      }
    } finally {
      summaries = stopAll(probers);
      report("SIGTERM " + node.name, summaries);
    }
    assertThat(exited).as("vipd exits within 15 s of SIGTERM").isTrue();
    System.out.printf("E2E SIGTERM %s: exited after %d ms with code %d%n", node.name, exitMillis,
        node.vipd.exitValue());
    for (Prober.Summary s : summaries) {
      assertThat(s.answerers()).as(s.vip()).last().isNotEqualTo(node.name);
      assertThat(s.lost()).as("requests lost to " + s.vip()).isLessThanOrEqualTo(5);
    }
    assertThat(node.vipd.exitValue())
        .as("exit code after SIGTERM (143 = 128 + SIGTERM: the JVM's default signal exit)").isZero();
  }

  @Test
  @Order(9)
  @SuppressWarnings("unchecked")
  void carrierLossOnThePoolInterfaceMovesThatPoolAlthoughTheClusterLinkIsUp() {
    Map<String, String> owners = e2e.awaitConverged(Duration.ofSeconds(30));
    Node node = e2e.node(owners.get(EDGE_VIP));
    Prober prober = Prober.start(e2e.client, address(EDGE_VIP), E2eLab.SERVICE_PORT);
    try {
      prober.awaitRequests(20, 5_000);
      assertThat(prober.lastAnswer()).isEqualTo(node.name);
      long t0 = System.nanoTime();
      e2e.lab.inBridge("ip", "link", "set", node.edgePort(), "down");
      assertThat(prober.awaitAnsweredByOtherThan(node.name, 10, 20_000))
          .as("another host answers " + EDGE_VIP + " after " + node.name + " lost carrier on eth1")
          .isTrue();
      System.out.printf("E2E carrier loss %s eth1: %s answered elsewhere after %d ms%n", node.name,
          EDGE_VIP, (System.nanoTime() - t0) / 1_000_000);
    } finally {
      report("carrier loss on " + node.name + " eth1", List.of(prober.stop()));
    }
    try {
      Map<String, String> after = e2e.awaitConverged(Duration.ofSeconds(10));
      for (String vip : E2eLab.EDGE) {
        assertThat(after.get(vip)).as(vip).isNotEqualTo(node.name);
      }
      for (Node observer : e2e.nodes.values()) {
        Map<String, Object> member = E2eLab.members(observer.status()).get(node.name);
        assertThat(member).as(node.name + " still a member for " + observer.name).isNotNull();
        assertThat(member.get("suspected")).isEqualTo(false);
        assertThat((List<Object>) member.get("link-down-pools")).containsExactly("edge");
      }
      for (Map.Entry<String, String> e : owners.entrySet()) {
        if (E2eLab.WEB.contains(e.getKey()) && e.getValue().equals(node.name)) {
          assertThat(after.get(e.getKey())).as("web VIP stays (cluster link up)")
              .isEqualTo(node.name);
        }
      }
    } finally {
      e2e.lab.inBridge("ip", "link", "set", node.edgePort(), "up");
    }
  }

  @Test
  @Order(10)
  void linkDownOfTheOwnerMovesTheVip() {
    Map<String, String> owners = e2e.awaitConverged(Duration.ofSeconds(30));
    Node node = e2e.node(owners.get(VIP));
    Prober prober = Prober.start(e2e.client, address(VIP), E2eLab.SERVICE_PORT);
    try {
      prober.awaitRequests(20, 5_000);
      assertThat(prober.lastAnswer()).isEqualTo(node.name);
      long t0 = System.nanoTime();
      node.host.run("ip", "link", "set", "eth0", "down");
      assertThat(prober.awaitAnsweredByOtherThan(node.name, 10, 10_000))
          .as("another host answers after eth0 of " + node.name + " went down").isTrue();
      System.out.printf("E2E link down %s eth0: %s answered elsewhere after %d ms%n", node.name,
          VIP, (System.nanoTime() - t0) / 1_000_000);
    } finally {
      report("link down " + node.name + " eth0", List.of(prober.stop()));
      // The node is cut off from the cluster; restart it so the next test starts clean.
      node.vipd.destroy();
      if (!E2eLab.waitFor(node.vipd, Duration.ofSeconds(20))) {
        node.vipd.destroyForcibly();
        E2eLab.waitFor(node.vipd, Duration.ofSeconds(5));
      }
      node.host.exec("ip", "link", "set", "eth0", "up");
    }
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
