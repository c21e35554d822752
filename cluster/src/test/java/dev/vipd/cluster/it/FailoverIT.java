package dev.vipd.cluster.it;

import static dev.vipd.cluster.it.ClusterLab.awaitAgreement;
import static dev.vipd.cluster.it.Ownerships.byName;
import static dev.vipd.cluster.it.Ownerships.names;
import static dev.vipd.cluster.it.Ownerships.ownedBy;
import static dev.vipd.cluster.it.Ownerships.without;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three members under quorum {@code none} with six VIPs, each member a JVM in its own namespace:
 * an owner that dies ({@code kill -9}), loses its link or leaves is replaced, and a restarted
 * node takes nothing back unless it is preferred with preemption.
 */
class FailoverIT {
  private static final List<InetAddress> VIPS = ClusterLab.vips(6);
  private static final Duration SETTLE = Duration.ofSeconds(30);
  private static final Duration TAKEOVER = Duration.ofSeconds(20);

  private ClusterLab lab;

  @BeforeEach
  void setUp() {
    lab = ClusterLab.create(3, false);
  }

  @AfterEach
  void tearDown() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void killedOwnerIsReplacedAndTakesNothingBackWhenRestarted() {
    List<NodeProcess> nodes = lab.startAll(lab.options("none", "default", VIPS));
    Map<InetAddress, String> before = awaitAgreement(nodes, names(nodes), VIPS, SETTLE);
    NodeProcess victim = byName(nodes, before.get(VIPS.get(0)));
    List<InetAddress> lost = ownedBy(before, victim.name());
    List<NodeProcess> survivors = without(nodes, victim);

    long killedAt = System.currentTimeMillis();
    victim.kill();
    Map<InetAddress, String> after = awaitAgreement(survivors, names(survivors), VIPS, TAKEOVER);
    printTakeover("kill -9", survivors, lost, killedAt);
    assertSingleTakeover(survivors, lost, killedAt);
    for (InetAddress vip : VIPS) {
      if (!lost.contains(vip)) {
        assertThat(after.get(vip)).as("owner of untouched %s", vip).isEqualTo(before.get(vip));
      }
    }

    NodeProcess back = lab.restart(victim);
    List<NodeProcess> all = new ArrayList<>(survivors);
    all.add(back);
    awaitAgreement(all, names(survivors), VIPS, SETTLE);
    ClusterLab.sleep(3000);
    assertThat(awaitAgreement(all, names(survivors), VIPS, Duration.ofSeconds(5)))
        .isEqualTo(after);
    assertThat(back.events("acquired")).as("acquisitions of the restarted node").isEmpty();
  }

  @Test
  void ownerWhoseLinkGoesDownIsReplaced() {
    List<NodeProcess> nodes = lab.startAll(lab.options("none", "default", VIPS));
    Map<InetAddress, String> before = awaitAgreement(nodes, names(nodes), VIPS, SETTLE);
    NodeProcess victim = byName(nodes, before.get(VIPS.get(0)));
    List<InetAddress> lost = ownedBy(before, victim.name());
    List<NodeProcess> survivors = without(nodes, victim);

    long cutAt = System.currentTimeMillis();
    lab.linkDown(victim);
    awaitAgreement(survivors, names(survivors), VIPS, TAKEOVER);
    printTakeover("link down", survivors, lost, cutAt);
    assertSingleTakeover(survivors, lost, cutAt);
  }

  @Test
  void leaverHandsOverBeforeReleasingAndExits() {
    List<NodeProcess> nodes = lab.startAll(lab.options("none", "default", VIPS));
    Map<InetAddress, String> before = awaitAgreement(nodes, names(nodes), VIPS, SETTLE);
    NodeProcess leaver = byName(nodes, before.get(VIPS.get(0)));
    List<InetAddress> lost = ownedBy(before, leaver.name());
    List<NodeProcess> survivors = without(nodes, leaver);

    long leftAt = System.currentTimeMillis();
    leaver.send("leave");
    assertThat(leaver.awaitExit(Duration.ofSeconds(20))).as("exit code of the leaver").isZero();
    awaitAgreement(survivors, names(survivors), VIPS, TAKEOVER);
    printTakeover("leave", survivors, lost, leftAt);
    assertSingleTakeover(survivors, lost, leftAt);
    for (InetAddress vip : lost) {
      List<NodeEvent> released = leaver.events("released", vip);
      assertThat(released).as("release of %s by the leaver", vip).hasSize(1);
      long acquired = Ownerships.firstWall(survivors, "acquired", vip, leftAt);
      assertThat(acquired).as("successor acquired %s before the leaver released it", vip)
          .isLessThanOrEqualTo(released.get(0).wallMillis());
      System.out.printf("  %s: successor acquired %d ms before the leaver released%n",
          vip.getHostAddress(), released.get(0).wallMillis() - acquired);
    }
  }

  @Test
  void preferredNodeWithPreemptTakesItsVipsBackAfterTheDelay() {
    Duration delay = Duration.ofSeconds(3);
    List<NodeProcess> nodes = lab.startAll(lab.options("none", "default", VIPS)
        .withPreference(List.of("n1"), true, delay));
    awaitAgreement(nodes, Set.of("n1"), VIPS, SETTLE);
    NodeProcess n1 = nodes.get(0);
    List<NodeProcess> survivors = without(nodes, n1);

    n1.kill();
    awaitAgreement(survivors, names(survivors), VIPS, TAKEOVER);
    NodeProcess back = lab.restart(n1);
    // eligibility starts after the JVM starts (at the earliest): a lower bound for the delay
    long started = back.startedWallMillis();
    List<NodeProcess> all = new ArrayList<>(survivors);
    all.add(back);
    awaitAgreement(all, Set.of("n1"), VIPS, SETTLE);
    for (InetAddress vip : VIPS) {
      List<NodeEvent> acquired = back.events("acquired", vip);
      assertThat(acquired).as("acquisitions of %s by the restarted preferred node", vip)
          .hasSize(1);
      assertThat(acquired.get(0).reason()).isEqualTo("preempt");
      assertThat(acquired.get(0).wallMillis() - started).as("preempted %s after starting", vip)
          .isGreaterThanOrEqualTo(delay.toMillis());
    }
    System.out.printf("  preempted %d ms after the JVM started, %d ms after it joined (delay %d"
        + " ms)%n", back.events("acquired").get(0).wallMillis() - started,
        back.events("acquired").get(0).wallMillis() - back.events("joined").get(0).wallMillis(),
        delay.toMillis());
  }

  /** Each lost VIP was acquired exactly once among the survivors. */
  static void assertSingleTakeover(
      List<NodeProcess> survivors, List<InetAddress> lost, long faultAt) {
    for (InetAddress vip : lost) {
      long acquisitions = survivors.stream().flatMap(n -> n.events("acquired", vip).stream())
          .filter(e -> e.wallMillis() >= faultAt).count();
      assertThat(acquisitions).as("acquisitions of %s among the survivors", vip).isEqualTo(1L);
    }
  }

  static void printTakeover(String fault, List<NodeProcess> survivors, List<InetAddress> lost,
      long faultAt) {
    long last = lost.stream().mapToLong(v -> Ownerships.firstWall(survivors, "acquired", v, faultAt))
        .max().orElse(-1);
    System.out.printf("  %s: %d VIPs taken over %d ms after the fault%n", fault, lost.size(),
        last - faultAt);
  }
}
