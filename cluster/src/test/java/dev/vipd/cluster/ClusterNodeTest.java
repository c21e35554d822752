package dev.vipd.cluster;

import dev.vipd.cluster.ownership.Assignment;
import static dev.vipd.cluster.LocalCluster.ips;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vipd.cluster.election.Pool;
import dev.vipd.cluster.election.Reason;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Three real members in this JVM: placement, abrupt loss, sticky rejoin, leave. */
class ClusterNodeTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final List<InetAddress> WEB =
      ips("198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4");
  static final List<InetAddress> DB = ips("2001:db8::1", "2001:db8::2");
  static final List<Pool> POOLS = List.of(Pool.of("web", WEB), Pool.of("db", DB));
  static final Set<InetAddress> ALL = union(WEB, DB);

  @Test
  void everyVipHasOneOwnerEverywhereAndAbruptLossIsReassignedStickily() throws Exception {
    try (LocalCluster c = new LocalCluster(3, POOLS)) {
      c.startAll();
      awaitSettled(c, Set.of("n1", "n2", "n3"));

      Map<InetAddress, String> before = owners(c, "n1");
      String victim = before.get(WEB.get(0));
      Set<InetAddress> victimVips = c.recorder(victim).vips();
      long closedAt = System.nanoTime();
      c.stop(victim);
      Set<String> survivors = new HashSet<>(c.nodes.keySet());
      await().atMost(WAIT).pollInterval(Duration.ofMillis(10)).until(() -> {
        Set<InetAddress> held = new HashSet<>();
        survivors.forEach(n -> held.addAll(c.recorder(n).vips()));
        return held.containsAll(victimVips);
      });
      long tookMs = (System.nanoTime() - closedAt) / 1_000_000;
      System.out.println("takeover after abrupt close: survivors hold all in " + tookMs + " ms");
      awaitSettled(c, survivors);
      Map<InetAddress, String> after = owners(c, survivors.iterator().next());
      for (InetAddress vip : ALL) {
        if (!victimVips.contains(vip)) {
          assertThat(after.get(vip)).as("sticky %s", vip).isEqualTo(before.get(vip));
        } else {
          Assignment a = c.node(after.get(vip)).status().owners().get(vip);
          assertThat(a.reason()).isIn(Reason.MEMBER_LOST, Reason.MEMBER_SUSPECTED);
          assertThat(a.noticedAtMillis()).isLessThanOrEqualTo(a.sinceMillis());
        }
      }
      String survivor = after.get(WEB.get(0));
      assertThat(c.registries.get(survivor).get("vipd.failovers").tag("vip", "198.51.100.1")
          .counter().count()).isEqualTo(1.0);

      // The victim returns: sticky, it takes nothing back.
      c.start(Integer.parseInt(victim.substring(1)) - 1);
      await().atMost(WAIT).until(() -> c.node(victim).status().members().size() == 3
          && c.node(victim).status().owners().size() == ALL.size());
      Thread.sleep(2_500); // a few writer ticks: nothing may move
      assertThat(owners(c, victim)).isEqualTo(after);
      assertThat(c.recorder(victim).vips()).isEmpty();
    }
  }

  @Test
  void hostsStartedTogetherShareTheVipsInsteadOfTheFirstTakingAll() throws Exception {
    try (LocalCluster c = new LocalCluster(3, POOLS)) {
      c.startAll();
      awaitSettled(c, Set.of("n1", "n2", "n3"));
      // 6 VIPs over 3 hosts that came up within the cold-start settle window: 2 each.
      for (String n : List.of("n1", "n2", "n3")) {
        assertThat(c.recorder(n).vips()).as("held by %s", n).hasSize(ALL.size() / 3);
      }
    }
  }

  @Test
  void aNodeThatStartsUnhealthyIsNeverGivenThatPool() throws Exception {
    try (LocalCluster c = new LocalCluster(2, POOLS)) {
      c.start(0);
      c.startWith(1, Set.of("web"));
      await().atMost(WAIT).until(() -> c.node("n1").status().owners().size() == ALL.size()
          && c.node("n2").status().owners().size() == ALL.size());
      Thread.sleep(1_500); // writer ticks
      assertThat(c.log).filteredOn(e -> e.node().equals("n2"))
          .noneMatch(e -> WEB.contains(e.vip()));
      assertThat(owners(c, "n1")).containsAllEntriesOf(
          Map.of(WEB.get(0), "n1", WEB.get(1), "n1"));
    }
  }

  @Test
  void leaveHandsOverBeforeReleasing() throws Exception {
    try (LocalCluster c = new LocalCluster(3, POOLS)) {
      c.startAll();
      awaitSettled(c, Set.of("n1", "n2", "n3"));
      String leaver = owners(c, "n1").get(DB.get(0));
      Set<InetAddress> handed = c.recorder(leaver).vips();
      assertThat(c.node(leaver).leave(WAIT)).isTrue();
      // Before leave returned, the successors held every VIP and the leaver had released.
      Map<InetAddress, Long> acquiredAt = new HashMap<>();
      Map<InetAddress, Long> releasedAt = new HashMap<>();
      for (Recorder.Event e : c.log) {
        if (!handed.contains(e.vip())) {
          continue;
        }
        if (e.acquired() && !e.node().equals(leaver)) {
          acquiredAt.put(e.vip(), e.nanos());
        } else if (!e.acquired() && e.node().equals(leaver)) {
          releasedAt.put(e.vip(), e.nanos());
          assertThat(e.reason()).isEqualTo(Reason.LEAVE);
        }
      }
      assertThat(acquiredAt.keySet()).isEqualTo(handed);
      assertThat(releasedAt.keySet()).isEqualTo(handed);
      for (InetAddress vip : handed) {
        assertThat(releasedAt.get(vip)).as("released after successor acquired %s", vip)
            .isGreaterThan(acquiredAt.get(vip));
      }
      assertThat(c.recorder(leaver).vips()).isEmpty();
      c.stop(leaver);
      Set<String> rest = new HashSet<>(c.nodes.keySet());
      awaitSettled(c, rest);
    }
  }

  /** Waits until every node in {@code live} reports the same single owner per VIP, among live. */
  static void awaitSettled(LocalCluster c, Set<String> live) {
    await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
      Map<InetAddress, String> reference = null;
      for (String name : live) {
        ClusterStatus s = c.node(name).status();
        assertThat(s.members()).hasSize(live.size());
        Map<InetAddress, String> owners = owners(c, name);
        assertThat(owners.keySet()).isEqualTo(ALL);
        assertThat(live).containsAll(owners.values());
        if (reference != null) {
          assertThat(owners).isEqualTo(reference);
        }
        reference = owners;
      }
      for (String name : live) {
        Set<InetAddress> expected = new HashSet<>();
        reference.forEach((vip, owner) -> {
          if (owner.equals(name)) {
            expected.add(vip);
          }
        });
        assertThat(c.recorder(name).vips()).as("held by %s", name).isEqualTo(expected);
      }
    });
  }

  static Map<InetAddress, String> owners(LocalCluster c, String node) {
    Map<InetAddress, String> owners = new HashMap<>();
    c.node(node).status().owners().forEach((vip, a) -> owners.put(vip, a.node()));
    return owners;
  }

  static Set<InetAddress> union(List<InetAddress> a, List<InetAddress> b) {
    Set<InetAddress> all = new HashSet<>(a);
    all.addAll(b);
    return all;
  }
}
