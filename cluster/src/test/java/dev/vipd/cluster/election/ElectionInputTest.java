package dev.vipd.cluster.election;

import static dev.vipd.cluster.election.Fixtures.healthy;
import static dev.vipd.cluster.election.Fixtures.ip;
import static dev.vipd.cluster.election.Fixtures.ips;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Validation of the election's input and output records. */
class ElectionInputTest {

  @Test
  void vipInTwoPoolsIsRefusedNamingTheAddress() {
    List<Pool> pools =
        List.of(
            Pool.of("web", ips("198.51.100.1", "2001:db8::7")), Pool.of("api", ips("2001:db8::7")));

    assertThatThrownBy(() -> ElectionInput.of(List.of(healthy("h1")), pools, Map.of(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("VIP 2001:db8:0:0:0:0:0:7 is in more than one pool: [api, web]");
  }

  @Test
  void duplicatesAreRefused() {
    assertThatThrownBy(() -> Pool.of("web", ips("198.51.100.1", "198.51.100.1")))
        .hasMessage("duplicate address in pool web: 198.51.100.1");
    assertThatThrownBy(
            () -> ElectionInput.of(List.of(healthy("h1"), healthy("h1")), List.of(), Map.of(), 0))
        .hasMessage("duplicate node name in the view: h1");
    assertThatThrownBy(
            () ->
                ElectionInput.of(
                    List.of(),
                    List.of(Pool.of("web", List.of()), Pool.of("web", List.of())),
                    Map.of(),
                    0))
        .hasMessage("duplicate pool name: web");
    assertThatThrownBy(
            () -> new Pool("web", List.of(), Map.of(), List.of("h1", "h1"), false, Duration.ZERO))
        .hasMessage("invalid preferred-nodes of pool web: [h1, h1] (expected: no duplicates)");
  }

  @Test
  void outOfRangeValuesAreRefusedWithTheExpectedRange() {
    assertThatThrownBy(() -> new Policy(Quorum.MAJORITY, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid expected-size: 0 (expected: >= 1)");
    assertThatThrownBy(() -> new Ownership("h1", 0))
        .hasMessage("invalid epoch: 0 (expected: >= 1)");
    assertThatThrownBy(() -> new Ownership(" ", 1))
        .hasMessage("invalid node: \" \" (expected: a name)");
    assertThatThrownBy(
            () -> new Pool("web", List.of(), Map.of(), List.of(), true, Duration.ofMillis(-1)))
        .hasMessage("invalid preempt-delay of pool web: PT-0.001S (expected: >= 0)");
    assertThatThrownBy(() -> new Node("h1", Map.of(), true, false, false, Set.of(), Set.of(), -5))
        .hasMessage("invalid eligible-since-millis of node h1: -5 (expected: >= 0)");
    assertThatThrownBy(() -> ElectionInput.of(List.of(), List.of(), Map.of(), -1))
        .hasMessage("invalid now-millis: -1 (expected: >= 0)");
    assertThatThrownBy(() -> new Change(ip("198.51.100.1"), "web", "h1", "h1", 2, Reason.PREEMPT))
        .hasMessage("invalid change of 198.51.100.1: h1 -> h1 (expected: different owners)");
  }

  @Test
  void hugePreemptDelayMeansNeverRatherThanOverflow() {
    Pool web =
        new Pool(
            "web",
            ips("198.51.100.1"),
            Map.of(),
            List.of("h1"),
            true,
            Duration.ofDays(365L * 1_000_000_000));

    assertThat(web.preemptDelayMillis()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void inputCollectionsAreCopied() {
    List<Node> nodes = new java.util.ArrayList<>(List.of(healthy("h1")));
    ElectionInput input = ElectionInput.of(nodes, List.of(), Map.of(), 0);
    nodes.add(healthy("h2"));

    assertThat(input.nodes()).hasSize(1);
  }

  @Test
  void reasonTagsAreTheMetricLabelsOfTheDesign() {
    assertThat(Arrays.stream(Reason.values()).map(Reason::tag))
        .containsExactly(
            "member-lost",
            "member-suspected",
            "health",
            "link-down",
            "wire-silent",
            "drain",
            "leave",
            "unservable",
            "preempt",
            "placement",
            "conflict",
            "quorum-lost");
  }
}
