package dev.vipd.cluster.election;

import static dev.vipd.cluster.election.Fixtures.elect;
import static dev.vipd.cluster.election.Fixtures.healthy;
import static dev.vipd.cluster.election.Fixtures.ips;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Per-VIP servability in the pure election: a node that reported a VIP unservable gets none of
 * it placed, loses it with {@link Reason#UNSERVABLE}, and takes nothing back when it recovers.
 */
class UnservableTest {
  private static final List<InetAddress> VIPS =
      ips("198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4");
  private static final Pool WEB = Pool.of("web", VIPS);

  private static Node unservable(String name, Set<InetAddress> vips) {
    return new Node(name, Map.of(), true, false, false, Set.of(), Set.of(), 0, false, null, null,
        vips);
  }

  @Test
  void aVipIsNeverPlacedWhereItIsUnservable() {
    InetAddress bad = VIPS.get(0);
    for (String victim : List.of("h1", "h2", "h3")) {
      List<Node> nodes = List.of(
          victim.equals("h1") ? unservable("h1", Set.of(bad)) : healthy("h1"),
          victim.equals("h2") ? unservable("h2", Set.of(bad)) : healthy("h2"),
          victim.equals("h3") ? unservable("h3", Set.of(bad)) : healthy("h3"));
      ElectionResult result = elect(nodes, List.of(WEB), Map.of());
      assertThat(result.owners()).hasSize(VIPS.size());
      assertThat(result.owners().get(bad).node()).as("with %s unable", victim)
          .isNotEqualTo(victim);
    }
  }

  @Test
  void theOwnerLosesAnUnservableVipToAnotherNodeWithTheReason() {
    InetAddress bad = VIPS.get(2);
    Map<InetAddress, Ownership> current = new HashMap<>();
    VIPS.forEach(v -> current.put(v, new Ownership("h1", 3)));
    ElectionResult result = elect(List.of(unservable("h1", Set.of(bad)), healthy("h2")),
        List.of(WEB), current);
    assertThat(result.owners().get(bad)).isEqualTo(new Ownership("h2", 4));
    assertThat(result.changes())
        .containsExactly(new Change(bad, "web", "h1", "h2", 4, Reason.UNSERVABLE));
  }

  @Test
  void aVipNoNodeCanServeStaysUnownedAndTheOthersArePlaced() {
    InetAddress bad = VIPS.get(1);
    ElectionResult result = elect(
        List.of(unservable("h1", Set.of(bad)), unservable("h2", Set.of(bad))), List.of(WEB),
        Map.of());
    assertThat(result.owners().keySet()).containsExactlyInAnyOrder(VIPS.get(0), VIPS.get(2),
        VIPS.get(3));
  }

  @Test
  void aPreferredNodeThatCannotServeTheVipIsSkipped() {
    InetAddress bad = VIPS.get(0);
    Pool preferring = new Pool("web", VIPS, Map.of(), List.of("h1"), false, Duration.ZERO);
    ElectionResult result = elect(List.of(unservable("h1", Set.of(bad)), healthy("h2")),
        List.of(preferring), Map.of());
    assertThat(result.owners().get(bad).node()).isEqualTo("h2");
    assertThat(result.owners().get(VIPS.get(1)).node()).isEqualTo("h1");
  }

  @Test
  void aPreemptingNodeThatCannotServeTheVipDoesNotTakeIt() {
    InetAddress bad = VIPS.get(0);
    Pool preempting = new Pool("web", VIPS, Map.of(), List.of("h1"), true, Duration.ZERO);
    Map<InetAddress, Ownership> current = new HashMap<>();
    VIPS.forEach(v -> current.put(v, new Ownership("h2", 1)));
    ElectionResult result = elect(List.of(unservable("h1", Set.of(bad)), healthy("h2")),
        List.of(preempting), current);
    assertThat(result.owners().get(bad)).isEqualTo(new Ownership("h2", 1));
    assertThat(result.owners().get(VIPS.get(1)).node()).as("the others are preempted")
        .isEqualTo("h1");
  }

  @Test
  void aNodeThatRecoversTakesNothingBackWithoutPreemption() {
    Map<InetAddress, Ownership> current = new HashMap<>();
    VIPS.forEach(v -> current.put(v, new Ownership("h2", 2)));
    ElectionResult result = elect(List.of(healthy("h1"), healthy("h2")), List.of(WEB), current);
    assertThat(result.changes()).isEmpty();
  }
}
