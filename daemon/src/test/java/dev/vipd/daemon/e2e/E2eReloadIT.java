package dev.vipd.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.daemon.e2e.E2eLab.Node;
import dev.vipd.testlab.Sh;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Reloads outside the happy path, with three real {@code vipd run} processes and a client that
 * counts the MACs answering each VIP (issue 8): a rolling reload that adds a pool, a pool renamed
 * and then drained, and a file refused late in validation.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class E2eReloadIT extends E2eLabTest {
  private static final List<String> EXTRA = List.of("198.51.100.120", "198.51.100.121",
      "2001:db8::120");
  private static final String EDGE_POOL = "    { name = \"edge\"";

  @Override
  String labName() {
    return "reload";
  }

  @Test
  @Order(1)
  void aRollingReloadThatAddsAPoolGetsEveryNewVipAnsweredByExactlyOneMac() {
    try {
      List<Node> oldestFirst = oldestFirst();
      long lastStep = 0;
      for (Node n : oldestFirst) {
        e2e.writeConfigText(n, withExtraPool(e2e.configText(n)));
        e2e.signal(n, "HUP");
        lastStep = System.nanoTime();
        E2eLab.sleep(2_000);
      }
      // Within 5 s of the last SIGHUP: the sleep after it already counts.
      Duration left = Duration.ofSeconds(5).minusNanos(System.nanoTime() - lastStep);
      AnsweringMacs.awaitExactlyOne(e2e.client, EXTRA, left.isNegative() ? Duration.ZERO : left);
      System.out.printf("E2E rolling reload (%s): new VIPs answered by one MAC each %d ms after"
              + " the last SIGHUP%n", oldestFirst.stream().map(n -> n.name).toList(),
          (System.nanoTime() - lastStep) / 1_000_000);
      for (String vip : EXTRA) {
        assertThat(AnsweringMacs.of(e2e.client, vip)).as(vip).hasSize(1);
      }
    } finally {
      reloadOriginalConfigs();
    }
  }

  @Test
  @Order(2)
  void aPoolRenamedThenDrainedIsAnsweredByExactlyOneMac() {
    Node drained = null;
    try {
      for (Node n : e2e.nodes.values()) {
        e2e.writeConfigText(n, e2e.configText(n).replace("{ name = \"web\",",
            "{ name = \"front\","));
        e2e.signal(n, "HUP");
      }
      e2e.awaitTrue("every node serving pool front", Duration.ofSeconds(20),
          () -> e2e.nodes.values().stream().allMatch(n -> poolNames(n).contains("front")));
      Map<String, String> owners = e2e.awaitConverged(Duration.ofSeconds(20));
      drained = e2e.node(owners.get("198.51.100.100"));
      Sh.Result drain = drained.cli("drain");
      assertThat(drain.exitCode()).as(drain.output()).isZero();
      long t0 = System.nanoTime();
      Duration took = AnsweringMacs.awaitExactlyOne(e2e.client, E2eLab.WEB, Duration.ofSeconds(5));
      System.out.printf("E2E rename then drain of %s: every web VIP answered by one MAC %d ms"
          + " after the drain returned%n", drained.name, (System.nanoTime() - t0) / 1_000_000);
      String drainedMac = drained.host.mac().toLowerCase();
      for (String vip : E2eLab.WEB) {
        assertThat(AnsweringMacs.of(e2e.client, vip)).as(vip + " (took " + took + ")")
            .hasSize(1).doesNotContain(drainedMac);
      }
    } finally {
      if (drained != null && drained.running()) {
        drained.cli("undrain");
      }
      reloadOriginalConfigs();
    }
  }

  @Test
  @Order(3)
  void aReloadRefusedLateInValidationChangesNothing() {
    Node h1 = e2e.node("h1");
    e2e.awaitConverged(Duration.ofSeconds(20));
    Map<String, Object> before = h1.status();
    double failuresBefore = reloadFailures(h1);
    String good = e2e.configText(h1);
    // Parses and binds: a new check, a new announce setting, a new pool. Refused only when its
    // interface is looked up on this host, after everything else was already validated.
    String late = good
        .replace("  health-checks {\n", "  health-checks {\n    svc2 { type = tcp, host ="
            + " \"127.0.0.1\", port = 9, interval = 200ms, timeout = 100ms }\n")
        .replace("garp-interval = 100ms", "garp-interval = 150ms")
        .replace(EDGE_POOL, "    { name = \"late\", interface = \"eth7\", addresses ="
            + " [\"198.51.100.130\"], health-checks = [\"svc2\"] }\n" + EDGE_POOL);
    int logLength = h1.logText().length();
    try {
      e2e.writeConfigText(h1, late);
      e2e.signal(h1, "HUP");
      e2e.awaitTrue("the refusal in h1's log", Duration.ofSeconds(15),
          () -> h1.logText().substring(logLength).contains("op=reload result=failure"));
      String newLog = h1.logText().substring(logLength);
      assertThat(newLog).contains("no such interface: eth7");
      E2eLab.sleep(1_000); // anything half-applied would show by now (checks run every 200 ms)
      Map<String, Object> after = h1.status();
      System.out.printf("E2E late refusal: health checks before %s, after %s%n",
          before.get("health-checks"), after.get("health-checks"));
      assertThat(after.get("health-checks")).isEqualTo(before.get("health-checks"));
      assertThat(after.get("pools")).isEqualTo(before.get("pools"));
      assertThat(E2eLab.owners(after)).isEqualTo(E2eLab.owners(before));
      assertThat(reloadFailures(h1)).isEqualTo(failuresBefore + 1);
    } finally {
      e2e.writeConfigText(h1, good);
    }
  }

  private static double reloadFailures(Node n) {
    String series = "vipd_config_reloads_total{result=\"failure\"} ";
    for (String line : n.http("/metrics").split("\n")) {
      if (line.startsWith(series)) {
        return Double.parseDouble(line.substring(series.length()).trim());
      }
    }
    return 0;
  }

  /** The members in the order Hazelcast lists them, oldest first, as h1 reports them. */
  private List<Node> oldestFirst() {
    List<Node> out = new ArrayList<>();
    for (String name : E2eLab.members(e2e.node("h1").status()).keySet()) {
      out.add(e2e.node(name));
    }
    assertThat(out).hasSize(3);
    return out;
  }

  private static String withExtraPool(String config) {
    assertThat(config).contains(EDGE_POOL);
    return config.replace(EDGE_POOL, "    { name = \"extra\", interface = \"eth0\", addresses ="
        + " [\"198.51.100.120-198.51.100.121\", \"2001:db8::120\"] }\n" + EDGE_POOL);
  }

  @SuppressWarnings("unchecked")
  private static List<String> poolNames(Node n) {
    Map<String, Object> status = n.status();
    List<String> names = new ArrayList<>();
    if (status != null) {
      for (Object p : (List<Object>) status.get("pools")) {
        names.add((String) ((Map<String, Object>) p).get("name"));
      }
    }
    return names;
  }

  /** Puts the lab's own files back and reloads them everywhere, so the next test starts clean. */
  private void reloadOriginalConfigs() {
    for (Node n : e2e.nodes.values()) {
      e2e.writeConfig(n);
      if (n.running()) {
        e2e.signal(n, "HUP");
      }
    }
    e2e.awaitTrue("every node back on the lab's pools", Duration.ofSeconds(20),
        () -> e2e.nodes.values().stream().filter(Node::running)
            .allMatch(n -> poolNames(n).equals(List.of("web", "edge"))));
  }
}
