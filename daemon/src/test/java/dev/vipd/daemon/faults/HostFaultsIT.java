package dev.vipd.daemon.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.daemon.e2e.E2eLab;
import dev.vipd.daemon.e2e.E2eLab.Node;
import dev.vipd.testlab.Await;
import dev.vipd.testlab.CpuHog;
import dev.vipd.testlab.Host;
import dev.vipd.testlab.Nft;
import dev.vipd.testlab.Processes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults of the network and of the hosts against three real daemons (default failure-detection
 * profile, quorum none), with the invariants of {@link Invariants} checked after each: random loss
 * on the cluster path, a CPU hog in every host, SIGSTOP of an owner, a flapping link, and restart
 * storms. Durations of the long faults come from {@code vipd.faults.loss-seconds} (60) and {@code
 * vipd.faults.hog-seconds} (20); {@code bench/faults/loss-soak} runs the 5-minute soak, which also
 * asserts that no VIP moves ({@code -Dvipd.faults.expect-no-failover=true}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostFaultsIT extends FaultLabTest {
  private static final String VIP = "198.51.100.100";
  /** Settling after a fault ends: a merge after a split takes Hazelcast several seconds. */
  private static final Duration SETTLE = Duration.ofSeconds(60);

  @Override
  String labName() {
    return "hosts";
  }

  @Test
  @Order(1)
  void twentyPercentLossOnTheClusterPathRaisesNoBeaconSuspicionAndEndsWithOneOwnerPerVip() {
    int seconds = Integer.getInteger("vipd.faults.loss-seconds", 60);
    Map<String, String> before = e2e.awaitConverged(Duration.ofSeconds(30));
    double failoversBefore = Invariants.failovers(e2e);
    for (Node n : e2e.nodes.values()) {
      Nft.lossFrom(n.host, othersOf(n), 20);
    }
    int samples = 0;
    int changed = 0;
    int suspectedSamples = 0;
    long dropped = 0;
    try {
      long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      while (System.nanoTime() < end) {
        Await.sleep(1000);
        samples++;
        Map<String, String> now = e2e.agreedOwners();
        if (now != null && !now.equals(before)) {
          changed++;
        }
        if (anySuspected()) {
          suspectedSamples++;
        }
      }
    } finally {
      for (Node n : e2e.nodes.values()) {
        dropped += Nft.droppedPackets(n.host);
        Nft.clear(n.host);
      }
    }
    Invariants.Checked after = invariants.check(Duration.ofSeconds(30));
    double failovers = Invariants.failovers(e2e) - failoversBefore;
    System.out.printf("FAULTS 20 %% loss for %d s: %d cluster packets dropped; %d/%d samples with"
        + " other owners, %d with a suspected peer; failovers %.0f; after: %s%n", seconds,
        dropped, changed, samples, suspectedSamples, failovers, after);
    assertThat(dropped).as("the loss rules dropped packets").isPositive();
    assertThat(suspectedSamples).as("samples with a peer suspected by the beacons").isZero();
    if (Boolean.getBoolean("vipd.faults.expect-no-failover")) {
      // Issue 12's invariant, asserted by bench/faults/loss-soak. Not in CI: Hazelcast's own
      // heartbeat timeout (3 s over TCP) removes members under this loss every minute or two.
      assertThat(changed).as("samples with owners other than before").isZero();
      assertThat(failovers).as("failovers during the loss").isZero();
      assertThat(after.owners()).isEqualTo(before);
    }
  }

  @Test
  @Order(2)
  void aCpuHogInEveryHostLeavesOneOwnerPerVip() {
    int seconds = Integer.getInteger("vipd.faults.hog-seconds", 20);
    Map<String, String> before = e2e.awaitConverged(Duration.ofSeconds(30));
    double failoversBefore = Invariants.failovers(e2e);
    List<Host> hosts = e2e.nodes.values().stream().map(n -> n.host).toList();
    int samples = 0;
    int changed = 0;
    try (CpuHog hog = CpuHog.start(hosts, 1)) {
      long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      while (System.nanoTime() < end) {
        Await.sleep(1000);
        samples++;
        Map<String, String> now = e2e.agreedOwners();
        if (now != null && !now.equals(before)) {
          changed++;
        }
      }
      assertThat(hog.running()).isEqualTo(hosts.size());
    }
    Invariants.Checked after = invariants.check(SETTLE);
    System.out.printf("FAULTS CPU hog (%d busy loops on %d cores) for %d s: %d/%d samples with"
        + " other owners; failovers %.0f; moved %d VIPs; after: %s%n", hosts.size(),
        Runtime.getRuntime().availableProcessors(), seconds, changed, samples,
        Invariants.failovers(e2e) - failoversBefore, moved(before, after.owners()), after);
    assertThat(e2e.nodes.values()).allMatch(Node::running);
  }

  @Test
  @Order(3)
  void sigstopOfAnOwnerThenSigcontLeavesOneMacPerVipAndNoStaleRoutes() {
    List<String> lines = new ArrayList<>();
    for (int seconds : new int[] {1, 3, 10}) {
      Map<String, String> before = e2e.awaitConverged(SETTLE);
      Node owner = e2e.node(before.get(VIP));
      Processes.signal(owner.vipd.pid(), "STOP");
      try {
        Await.sleep(seconds * 1000L);
      } finally {
        Processes.signal(owner.vipd.pid(), "CONT");
      }
      long t0 = System.nanoTime();
      Invariants.Checked after = invariants.check(SETTLE);
      lines.add(String.format("SIGSTOP %s %d s: %d VIPs moved; after SIGCONT %s", owner.name,
          seconds, moved(before, after.owners()), after));
      assertThat(owner.running()).as(owner.name + " alive after SIGCONT").isTrue();
      assertThat(Await.millisSince(t0)).isLessThan(SETTLE.toMillis());
    }
    lines.forEach(l -> System.out.println("FAULTS " + l));
  }

  @Test
  @Order(4)
  void aFlappingLinkConvergesToOneOwnerPerVip() {
    Map<String, String> before = e2e.awaitConverged(Duration.ofSeconds(30));
    Node owner = e2e.node(before.get(VIP));
    for (int i = 0; i < 20; i++) {
      owner.host.run("ip", "link", "set", "eth0", "down");
      Await.sleep(500);
      owner.host.run("ip", "link", "set", "eth0", "up");
      Await.sleep(500);
    }
    Invariants.Checked after = invariants.check(SETTLE);
    System.out.printf("FAULTS flapping eth0 of %s (down/up every second for 20 s): %d VIPs"
        + " moved; after the last up: %s%n", owner.name, moved(before, after.owners()), after);
    assertThat(after.oneMacMillis()).as("one MAC per VIP after the flapping ends")
        .isLessThan(30_000);
  }

  @Test
  @Order(5)
  void everyDaemonRestartedWithinOneSecondConverges() {
    e2e.awaitConverged(Duration.ofSeconds(30));
    for (Node n : e2e.nodes.values()) {
      n.vipd.destroy();
    }
    for (Node n : e2e.nodes.values()) {
      assertThat(E2eLab.waitFor(n.vipd, Duration.ofSeconds(20))).as(n.name + " stops").isTrue();
    }
    long t0 = System.nanoTime();
    for (Node n : e2e.nodes.values()) {
      n.startVipd();
    }
    long startedWithin = Await.millisSince(t0);
    Invariants.Checked after = invariants.check(Duration.ofSeconds(90));
    System.out.printf("FAULTS restart storm (SIGTERM all, all started within %d ms): %s%n",
        startedWithin, after);
    assertThat(startedWithin).isLessThan(1000);
  }

  @Test
  @Order(6)
  void killMinusNineOfEveryDaemonThenAllStartedTogetherConverges() {
    e2e.awaitConverged(Duration.ofSeconds(30));
    for (Node n : e2e.nodes.values()) {
      n.vipd.destroyForcibly();
    }
    Map<String, Integer> stale = new TreeMap<>();
    for (Node n : e2e.nodes.values()) {
      assertThat(E2eLab.waitFor(n.vipd, Duration.ofSeconds(10))).isTrue();
      stale.put(n.name, Invariants.routes(n).size());
    }
    long t0 = System.nanoTime();
    for (Node n : e2e.nodes.values()) {
      n.startVipd();
    }
    long startedWithin = Await.millisSince(t0);
    Invariants.Checked after = invariants.check(Duration.ofSeconds(90));
    System.out.printf("FAULTS kill -9 of all, started together within %d ms (vipd routes left"
        + " by the killed daemons: %s): %s%n", startedWithin, stale, after);
    assertThat(startedWithin).isLessThan(1000);
  }

  private boolean anySuspected() {
    for (Node n : e2e.nodes.values()) {
      Map<String, Object> status = n.status();
      if (status == null) {
        continue;
      }
      for (Map<String, Object> m : E2eLab.members(status).values()) {
        if (Boolean.TRUE.equals(m.get("suspected"))) {
          return true;
        }
      }
    }
    return false;
  }

  static int moved(Map<String, String> before, Map<String, String> after) {
    int n = 0;
    for (Map.Entry<String, String> e : before.entrySet()) {
      if (!Objects.equals(after.get(e.getKey()), e.getValue())) {
        n++;
      }
    }
    return n;
  }
}
