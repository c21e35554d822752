package dev.vipd.daemon.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.daemon.e2e.E2eLab;
import dev.vipd.daemon.e2e.E2eLab.Node;
import dev.vipd.testlab.Await;
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
 * Five real daemons whose configured peers also list 198.51.100.16, a member that never comes up:
 * the cluster still forms and serves every VIP, restarts with the dead peer still listed, and a
 * loss of two nodes at once (kill -9 of the two that own the most VIPs) leaves one owner and one
 * MAC per VIP on the three survivors.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MembershipFaultsIT extends FaultLabTest {
  private static final String NEVER_UP = "198.51.100.16";

  @Override
  String labName() {
    return "membership";
  }

  @Override
  int nodeCount() {
    return 5;
  }

  @Override
  List<String> phantomPeers() {
    return List.of(NEVER_UP);
  }

  @Test
  @Order(1)
  void aPeerThatNeverComesUpDelaysNothingAndOwnsNothing() {
    Node h1 = e2e.node("h1");
    h1.vipd.destroy();
    assertThat(E2eLab.waitFor(h1.vipd, Duration.ofSeconds(20))).isTrue();
    e2e.awaitConverged(Duration.ofSeconds(30));
    long t0 = System.nanoTime();
    h1.startVipd();
    Invariants.Checked after = invariants.check(Duration.ofSeconds(90));
    long rejoinMillis = Await.millisSince(t0);
    System.out.printf("FAULTS never-up peer %s listed: h1 restarted and rejoined, all invariants"
        + " after %d ms (%s)%n", NEVER_UP, rejoinMillis, after);
    assertThat(after.owners().values()).allMatch(e2e.nodes::containsKey);
    assertThat(E2eLab.members(h1.status())).hasSize(5);
    assertThat(rejoinMillis).as("rejoin with a dead peer listed (ms)").isLessThan(60_000);
  }

  @Test
  @Order(2)
  void fiveNodesLosingTwoAtOnceConvergeOnTheThreeSurvivors() {
    Map<String, String> before = e2e.awaitConverged(Duration.ofSeconds(30));
    Map<String, Integer> load = new TreeMap<>();
    before.values().forEach(o -> load.merge(o, 1, Integer::sum));
    List<String> victims = new ArrayList<>(load.keySet());
    victims.sort((x, y) -> load.get(y) - load.get(x));
    victims = victims.subList(0, 2);
    long t0 = System.nanoTime();
    for (String v : victims) {
      e2e.node(v).vipd.destroyForcibly();
    }
    for (String v : victims) {
      assertThat(E2eLab.waitFor(e2e.node(v).vipd, Duration.ofSeconds(10))).isTrue();
    }
    Invariants.Checked after = invariants.check(Duration.ofSeconds(60));
    long total = Await.millisSince(t0);
    int orphaned = 0;
    for (String owner : before.values()) {
      if (victims.contains(owner)) {
        orphaned++;
      }
    }
    System.out.printf("FAULTS 5 nodes lose %s (kill -9, owning %d of %d VIPs): invariants hold on"
        + " the survivors %d ms after the kill (%s)%n", victims, orphaned, before.size(), total,
        after);
    assertThat(after.owners().values()).noneMatch(victims::contains);
    assertThat(after.oneMacMillis()).as("one MAC per VIP after losing two (ms)")
        .isLessThan(10_000);
  }
}
