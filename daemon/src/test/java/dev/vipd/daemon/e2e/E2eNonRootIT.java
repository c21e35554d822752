package dev.vipd.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vipd.daemon.e2e.E2eLab.Node;
import dev.vipd.testlab.NetnsLab;
import dev.vipd.testlab.Sh;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * vipd as the packaged unit runs it: every vipd of the 3-host lab runs as the unprivileged user
 * {@code nobody}, started through {@code setpriv} with only CAP_NET_RAW and CAP_NET_ADMIN (ambient,
 * inheritable and bounding set, like vipd.service's AmbientCapabilities/CapabilityBoundingSet). The
 * VIPs get owners, the client reaches them, and a kill -9 of an owner moves its VIPs to a survivor
 * (its raw sockets, local routes and ARP sysctls all work without root). Without CAP_NET_RAW,
 * {@code vipd run} exits 1 with one line naming what is missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class E2eNonRootIT {
  private static final String USER = "nobody";
  private static final String CAPS = "+net_raw,+net_admin";
  /** CAP_NET_ADMIN (12) and CAP_NET_RAW (13), as /proc/PID/status prints the sets. */
  private static final String TWO_CAPS = "0000000000003000";
  private static final String VIP = "198.51.100.100";

  private E2eLab e2e;

  @BeforeAll
  void startLab() throws IOException {
    NetnsLab.assumeAvailable();
    assumeTrue(Sh.hasCommand("setpriv"), "setpriv (util-linux) is not installed");
    assumeTrue(Sh.exec(Duration.ofSeconds(5), "id", "-u", USER).succeeded(), "no user " + USER);
    e2e = E2eLab.start("nonroot", USER, setpriv(CAPS));
  }

  @AfterAll
  void stopLab() {
    if (e2e != null) {
      e2e.close();
    }
  }

  /** setpriv to {@link #USER} holding exactly {@code caps} (e.g. "+net_raw"), no new privileges. */
  private static List<String> setpriv(String caps) {
    return List.of("setpriv", "--reuid=" + USER, "--regid=nogroup", "--clear-groups",
        "--no-new-privs", "--inh-caps=" + caps, "--ambient-caps=" + caps,
        "--bounding-set=-all," + caps);
  }

  @Test
  void everyVipdRunsUnprivilegedWithOnlyTheTwoCapabilities() throws IOException {
    String nobody = Sh.run("id", "-u", USER).strip();
    for (Node n : e2e.nodes.values()) {
      String status = Files.readString(Path.of("/proc", Long.toString(n.vipd.pid()), "status"));
      assertThat(field(status, "Uid")).as(n.name).isEqualTo(String.join("\t", nobody, nobody,
          nobody, nobody));
      for (String set : List.of("CapEff", "CapPrm", "CapAmb", "CapBnd")) {
        assertThat(field(status, set)).as(n.name + " " + set).isEqualTo(TWO_CAPS);
      }
      assertThat(field(status, "NoNewPrivs")).as(n.name).isEqualTo("1");
    }
  }

  @Test
  void killMinusNineOfTheUnprivilegedOwnerMovesItsVipsAndTheClientReachesThemElsewhere()
      throws Exception {
    Map<String, String> owners = e2e.awaitConverged(Duration.ofSeconds(30));
    Node victim = e2e.node(owners.get(VIP));
    InetAddress vip = InetAddress.getByName(VIP);
    assertThat(Prober.askOnce(e2e.client, vip, E2eLab.SERVICE_PORT)).isEqualTo(victim.name);
    // The local route the unprivileged owner added (proto 86), without root.
    assertThat(victim.host.run("ip", "route", "show", "table", "local", "proto", "86").output())
        .contains("local " + VIP);
    try (Prober prober = Prober.start(e2e.client, vip, E2eLab.SERVICE_PORT)) {
      long t0 = System.nanoTime();
      victim.vipd.destroyForcibly();
      assertThat(E2eLab.waitFor(victim.vipd, Duration.ofSeconds(10))).isTrue();
      assertThat(prober.awaitAnsweredByOtherThan(victim.name, 10, 20_000))
          .as("a survivor answers for " + VIP + " after kill -9 of " + victim.name).isTrue();
      System.out.printf("E2E non-root kill -9 %s: %s answered elsewhere after %d ms: %s%n",
          victim.name, VIP, (System.nanoTime() - t0) / 1_000_000, prober.stop());
    }
    Map<String, String> after = e2e.awaitConverged(Duration.ofSeconds(30));
    assertThat(after.get(VIP)).isNotEqualTo(victim.name);
    assertThat(after).doesNotContainValue(victim.name);
    victim.startVipd();
    e2e.awaitConverged(Duration.ofSeconds(90));
  }

  @Test
  void withoutNetRawRunExitsOneWithOneLineNamingIt() throws Exception {
    Node h1 = e2e.node("h1");
    // A config of its own (other ports, socket and cluster name): if the check were missing, this
    // vipd would start beside the lab's instead of disturbing it, and the test would fail on time.
    Path config = e2e.dir.resolve("nocap.conf");
    Files.writeString(config, e2e.configText(h1)
        .replace("name = \"e2e\"", "name = \"nocap\", port = 5801, beacon-port = 5802")
        .replace(":9476", ":9576")
        .replace(h1.socket.toString(), e2e.dir.resolve("nocap.sock").toString())
        .replace(h1.drained.toString(), e2e.dir.resolve("nocap.drained").toString()));
    Sh.run("chown", USER, config.toString());
    // Unprivileged with CAP_NET_ADMIN only; and root without CAP_NET_RAW in its bounding set.
    List<List<String>> launchers = List.of(setpriv("+net_admin"),
        List.of("setpriv", "--bounding-set=-net_raw"));
    for (List<String> launcher : launchers) {
      List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", h1.host.namespace()));
      argv.addAll(launcher);
      argv.addAll(List.of(E2eLab.java(), "-XX:TieredStopAtLevel=1", "-jar",
          E2eLab.locateJar().toString(), "run", "--config", config.toString()));
      Process p = new ProcessBuilder(argv).start();
      p.getOutputStream().close();
      boolean exited = p.waitFor(60, TimeUnit.SECONDS);
      if (!exited) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
      String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String stderr = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      String what = String.join(" ", launcher) + "\nstdout: " + stdout + "\nstderr: " + stderr;
      assertThat(exited).as("vipd run exits at once: " + what).isTrue();
      assertThat(p.exitValue()).as(what).isEqualTo(1);
      assertThat(stderr.lines().toList()).as(what).hasSize(1);
      assertThat(stderr).as(what).startsWith("vipd: missing capability CAP_NET_RAW");
      assertThat(stdout).as(what).isEmpty();
      System.out.printf("E2E without CAP_NET_RAW (%s): exit 1, %s", String.join(" ", launcher),
          stderr);
    }
    assertThat(h1.host.run("ss", "-Hltn", "sport = :5801").output()).as("nothing listens")
        .isBlank();
  }

  private static String field(String status, String name) {
    for (String line : status.split("\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1).strip();
      }
    }
    throw new AssertionError("no " + name + " in /proc/PID/status:\n" + status);
  }
}
