package dev.vipd.daemon.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.cluster.member.WireState;
import dev.vipd.cluster.member.WireState.Silent;
import dev.vipd.daemon.wire.WireSampler.Owned;
import dev.vipd.daemon.wire.WireSampler.Probe;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The checker's rounds with an in-memory prober (no frames, no Hazelcast): probes go out for
 * others' VIPs, the owner's MAC, another MAC or silence is counted per pool and result, and the
 * published state names a silent owner after misses rounds and the node's own suspicion.
 */
class WireCheckerTest {
  private static final String MAC1 = "02:00:00:00:00:01";
  private static final String MAC2 = "02:00:00:00:00:02";
  private static final String MAC3 = "02:00:00:00:00:03";

  private final AtomicLong ticker = new AtomicLong();
  private final List<Probe> sent = new ArrayList<>();
  private final List<WireState> published = new ArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final WireChecker checker = new WireChecker("h2", Map.of("web", MAC2),
      new WireSampler(100), new WireJudge(3, TimeUnit.SECONDS.toNanos(60), ticker::get),
      sent::add, published::add, registry,
      Clock.fixed(Instant.parse("2026-12-03T15:00:00Z"), ZoneOffset.UTC));

  private static WireView view() throws Exception {
    List<Owned> owned = List.of(
        new Owned("web", InetAddress.getByName("198.51.100.1"), "h1"),
        new Owned("web", InetAddress.getByName("198.51.100.2"), "h1"),
        new Owned("web", InetAddress.getByName("198.51.100.3"), "h3"));
    return new WireView(owned, Map.of("web", Set.of("h1", "h2", "h3")),
        Map.of("h1", Map.of("web", MAC1), "h2", Map.of("web", MAC2), "h3", Map.of("web", MAC3)),
        Map.of("h1", 11L, "h2", 22L, "h3", 33L));
  }

  private double count(String result) {
    var c = registry.find("vipd.wire.checks").tag("pool", "web").tag("result", result).counter();
    return c == null ? 0 : c.count();
  }

  /** One round: answers each probe sent in the previous round as {@code answer} says. */
  private void round(WireView view, java.util.function.Function<Probe, String> answer) {
    for (Probe p : List.copyOf(sent)) {
      String mac = answer.apply(p);
      if (mac != null) {
        checker.onReply(p.vip(), mac);
      }
    }
    sent.clear();
    ticker.addAndGet(TimeUnit.SECONDS.toNanos(2));
    checker.round(view);
  }

  @Test
  void aSilentOwnerIsPublishedAfterThreeRoundsAndEveryCheckIsCounted() throws Exception {
    WireView view = view();
    checker.round(view);
    assertThat(sent).isNotEmpty().allSatisfy(p -> assertThat(p.owner()).isNotEqualTo("h2"));
    assertThat(sent).extracting(Probe::owner).contains("h1", "h3");
    for (int i = 0; i < 3; i++) {
      round(view, p -> p.owner().equals("h3") ? MAC3 : null);
    }
    WireState last = published.get(published.size() - 1);
    assertThat(last.silent()).containsExactly(new Silent("web", "h1", 11));
    assertThat(last.suspect()).isFalse();
    assertThat(last.poolMacs()).isEqualTo(Map.of("web", MAC2));
    assertThat(count("silent")).isGreaterThanOrEqualTo(3);
    assertThat(count("answered")).isGreaterThanOrEqualTo(3);
    assertThat(checker.lastSeen().get(InetAddress.getByName("198.51.100.3")).mac())
        .isEqualTo(MAC3);
    assertThat(checker.lastSeen()).doesNotContainKey(InetAddress.getByName("198.51.100.1"));
  }

  @Test
  void anotherMacIsCountedForeignAndTheOwnersAnswerClearsTheReport() throws Exception {
    WireView view = view();
    checker.round(view);
    for (int i = 0; i < 3; i++) {
      round(view, p -> p.owner().equals("h1") ? "02:00:00:00:00:99" : MAC3);
    }
    assertThat(count("foreign")).isGreaterThanOrEqualTo(3);
    assertThat(published.get(published.size() - 1).silent()).hasSize(1);
    round(view, p -> p.owner().equals("h1") ? MAC1 : MAC3);
    assertThat(published.get(published.size() - 1).silent()).isEmpty();
  }

  @Test
  void aCheckerThatHearsNothingSuspectsItselfAndPublishesIt() throws Exception {
    WireView view = view();
    checker.round(view);
    for (int i = 0; i < 3; i++) {
      round(view, p -> null);
    }
    WireState last = published.get(published.size() - 1);
    assertThat(last.suspect()).isTrue();
    assertThat(checker.suspect()).isTrue();
    assertThat(registry.get("vipd.wire.self.suspect").gauge().value()).isEqualTo(1.0);
    round(view, p -> p.owner().equals("h1") ? MAC1 : MAC3);
    assertThat(published.get(published.size() - 1).suspect()).isFalse();
  }
}
