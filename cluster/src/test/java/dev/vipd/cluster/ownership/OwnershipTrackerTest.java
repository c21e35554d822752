package dev.vipd.cluster.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.cluster.ownership.Assignment;
import dev.vipd.cluster.ownership.OwnershipListener;
import dev.vipd.cluster.election.Reason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fires only on real changes for this node, never for a lower epoch. */
class OwnershipTrackerTest {
  private final List<String> calls = new ArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final OwnershipTracker tracker = new OwnershipTracker("me", new OwnershipListener() {
    @Override
    public void acquired(Assignment a) {
      calls.add("acquired " + a.epoch() + " " + a.reason().tag());
    }

    @Override
    public void released(Assignment a, Reason reason) {
      calls.add("released " + a.epoch() + " " + reason.tag());
    }
  }, registry, scheduler, Duration.ZERO);

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  @Test
  void acquiresOnceReleasesOnMoveAndIgnoresLowerEpochs() throws Exception {
    tracker.setMayOwn(true, Reason.MEMBER_LOST);
    tracker.offer(a("me", 1, Reason.PLACEMENT));
    tracker.offer(a("me", 1, Reason.PLACEMENT)); // same again: no call
    tracker.offer(a("other", 2, Reason.HEALTH));
    assertThat(tracker.offer(a("me", 1, Reason.PLACEMENT))).isFalse(); // stale replay
    tracker.offer(a("me", 3, Reason.MEMBER_LOST));
    assertThat(calls).containsExactly(
        "acquired 1 placement", "released 1 health", "acquired 3 member-lost");
    assertThat(registry.get("vipd.failovers").tag("reason", "member-lost").counter().count())
        .isEqualTo(1.0);
    assertThat(registry.find("vipd.failovers").tag("reason", "placement").counter()).isNull();
  }

  @Test
  void duringAHandOverTheVipIsMarkedUntilTheGraceEndsAndItIsReleased() throws Exception {
    List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
    OwnershipTracker handing = new OwnershipTracker("me", new OwnershipListener() {
      @Override
      public void acquired(Assignment a) {
        events.add("acquired");
      }

      @Override
      public void released(Assignment a, Reason reason) {
        events.add("released " + reason.tag());
      }
    }, registry, scheduler, Duration.ofMillis(300));
    Assignment mine = a("me", 1, Reason.PLACEMENT);
    handing.setMayOwn(true, Reason.MEMBER_LOST);
    handing.offer(mine);
    assertThat(handing.isHandingOver(mine.vip())).isFalse();

    handing.setHandingOver(true);
    handing.offer(a("other", 2, Reason.DRAIN));
    // The successor is named; this node still answers for the grace and expects its claims.
    assertThat(handing.isHandingOver(mine.vip())).isTrue();
    assertThat(events).containsExactly("acquired");

    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!events.contains("released drain") && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(events).containsExactly("acquired", "released drain");
    assertThat(handing.isHandingOver(mine.vip())).isFalse();
  }

  @Test
  void removalOnlyRemovesItsOwnEpochAndLateCopiesStayRemoved() throws Exception {
    tracker.setMayOwn(true, Reason.MEMBER_LOST);
    tracker.offer(a("me", 4, Reason.PLACEMENT));
    tracker.remove(a("me", 3, Reason.DRAIN)); // older: ignored
    assertThat(tracker.held()).hasSize(1);
    tracker.remove(a("me", 4, Reason.DRAIN));
    assertThat(tracker.offer(a("me", 4, Reason.PLACEMENT))).isFalse(); // late map event
    assertThat(tracker.floor("198.51.100.1")).isEqualTo(4);
    assertThat(calls).containsExactly("acquired 4 placement", "released 4 drain");
  }

  @Test
  void losingPermissionReleasesEverythingAtOnce() throws Exception {
    tracker.setMayOwn(true, Reason.MEMBER_LOST);
    tracker.offer(a("me", 1, Reason.PLACEMENT));
    tracker.setMayOwn(false, Reason.QUORUM_LOST);
    tracker.setMayOwn(true, Reason.QUORUM_LOST);
    assertThat(calls).containsExactly(
        "acquired 1 placement", "released 1 quorum-lost", "acquired 1 placement");
  }

  private static Assignment a(String node, long epoch, Reason reason) throws Exception {
    return new Assignment(InetAddress.getByName("198.51.100.1"), "web", node, epoch, reason,
        10, 5);
  }
}
