package dev.vipd.daemon.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The monitor on a manual clock: every tick, probe and timeout happens inside {@code advance}. */
class HealthMonitorTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1);

  private final ManualScheduler scheduler = new ManualScheduler();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final Map<String, Probe> probes = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> created = new ConcurrentHashMap<>();
  private final ProbeFactory factory =
      spec -> {
        created.computeIfAbsent(spec.name(), n -> new AtomicInteger()).incrementAndGet();
        return probes.get(spec.name());
      };
  private ExecutorService realExecutor;
  private HealthMonitor monitor;

  @AfterEach
  void close() {
    if (monitor != null) {
      monitor.close();
    }
    if (realExecutor != null) {
      realExecutor.shutdownNow();
    }
  }

  @ParameterizedTest(name = "rise={0} fall={1} {2} -> {3}")
  @CsvSource({
    "2, 2, PFPPFPFFPP, a:UP a:DOWN a:UP",
    "1, 1, PPPPP, a:UP",
    "3, 2, PPFPPPFPFF, a:UP a:DOWN",
    "2, 3, FFFFFFF, ''",
  })
  void listenerHearsOnlyRealTransitions(int rise, int fall, String script, String expected) {
    ScriptedProbe probe = new ScriptedProbe(script, script.endsWith("P"));
    probes.put("a", probe);
    monitor = start(tcp("a", rise, fall));
    tick(script.length() + 4);
    assertThat(probe.calls).hasValue(script.length() + 5);
    assertThat(String.join(" ", events)).isEqualTo(expected);
    boolean up = expected.endsWith("UP");
    assertThat(monitor.isUp("a")).isEqualTo(up);
    assertThat(gauge("a").value()).isEqualTo(up ? 1.0 : 0.0);
  }

  @Test
  void aProbeCancelledWhileStillQueuedDoesNotBlockTheChecksAfterIt() throws Exception {
    // A busy probe executor: the first probe waits in its queue until its timeout cancels it.
    realExecutor = Executors.newSingleThreadExecutor();
    CountDownLatch busy = new CountDownLatch(1);
    realExecutor.execute(() -> {
      try {
        busy.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    probes.put("a", () -> ProbeResult.pass("ok"));
    monitor = new HealthMonitor(scheduler, realExecutor, factory, registry, this::record);
    monitor.start(List.of(tcp("a", 1, 1)));
    scheduler.advance(Duration.ZERO);
    tick(1); // the queued probe times out and is cancelled before it ever ran
    assertThat(monitor.isUp("a")).isFalse();

    busy.countDown();
    // Wait for the listener, which hears of the change after isUp flips; and leave each probe
    // 1 s of real time before the next tick, whose timeout would cancel a probe still queued on
    // a starved executor.
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
      tick(1);
      return events.contains("a:UP");
    });
    assertThat(monitor.isUp("a")).isTrue();
  }

  @Test
  void aProbeThatOverrunsItsTimeoutIsInterruptedAndFails() throws Exception {
    CountDownLatch interrupted = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    probes.put(
        "slow",
        () -> {
          if (calls.incrementAndGet() == 1) {
            return ProbeResult.pass("first");
          }
          try {
            Thread.sleep(60_000);
            return ProbeResult.pass("too late");
          } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
          }
        });
    realExecutor = Executors.newSingleThreadExecutor();
    monitor = new HealthMonitor(scheduler, realExecutor, factory, registry, this::record);
    monitor.start(List.of(tcp("slow", 1, 1)));
    scheduler.advance(Duration.ZERO);
    await().atMost(Duration.ofSeconds(5)).until(() -> monitor.isUp("slow"));
    scheduler.advance(INTERVAL);
    await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 2);
    scheduler.advance(INTERVAL.dividedBy(2));
    assertThat(monitor.isUp("slow")).isFalse();
    assertThat(events).containsExactly("slow:UP", "slow:DOWN");
    assertThat(interrupted.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void aProbeThatIgnoresTheInterruptIsNotStartedAgainAndKeepsFailing() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    probes.put(
        "stuck",
        () -> {
          if (calls.incrementAndGet() == 1) {
            return ProbeResult.pass("first");
          }
          while (release.getCount() > 0) {
            try {
              release.await();
            } catch (InterruptedException ignored) {
              // a badly written probe: carries on
            }
          }
          return ProbeResult.pass("much too late");
        });
    realExecutor = Executors.newSingleThreadExecutor();
    monitor = new HealthMonitor(scheduler, realExecutor, factory, registry, this::record);
    monitor.start(List.of(tcp("stuck", 1, 2)));
    scheduler.advance(Duration.ZERO);
    await().atMost(Duration.ofSeconds(5)).until(() -> monitor.isUp("stuck"));
    scheduler.advance(INTERVAL);
    await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 2);
    scheduler.advance(INTERVAL.dividedBy(2)); // timeout: first failure
    assertThat(monitor.isUp("stuck")).isTrue();
    scheduler.advance(INTERVAL.dividedBy(2)); // next tick: still running, second failure
    assertThat(monitor.isUp("stuck")).isFalse();
    assertThat(calls).hasValue(2);
    release.countDown();
  }

  @Test
  void updateKeepsUnchangedChecksRemovesOldOnesAndStartsNewOnesDown() {
    ScriptedProbe a = new ScriptedProbe("", true);
    ScriptedProbe b = new ScriptedProbe("", true);
    probes.put("a", a);
    probes.put("b", b);
    monitor = start(tcp("a", 1, 1), tcp("b", 1, 1));
    tick(2);
    assertThat(monitor.states()).isEqualTo(Map.of("a", true, "b", true));

    ScriptedProbe c = new ScriptedProbe("PF", false);
    probes.put("c", c);
    monitor.update(List.of(tcp("a", 1, 1), tcp("c", 2, 1)));
    assertThat(monitor.isUp("a")).isTrue();
    assertThat(monitor.isUp("b")).as("removed").isFalse();
    assertThat(monitor.isUp("c")).as("new checks start DOWN").isFalse();
    assertThat(registry.find(HealthMonitor.GAUGE).tag("check", "b").gauge()).isNull();
    assertThat(gauge("c").value()).isZero();
    int bCalls = b.calls.get();

    tick(3);
    assertThat(b.calls).as("a removed check is not probed").hasValue(bCalls);
    assertThat(created.get("a")).as("unchanged check keeps its probe").hasValue(1);
    assertThat(a.calls).hasValue(6);
    assertThat(events).containsExactly("a:UP", "b:UP");
  }

  @Test
  void aChangedSpecKeepsItsStateButRunsTheNewProbe() {
    probes.put("a", new ScriptedProbe("", true));
    monitor = start(tcp("a", 1, 2));
    tick(1);
    assertThat(monitor.isUp("a")).isTrue();

    probes.put("a", new ScriptedProbe("", false));
    monitor.update(List.of(tcp("a", 1, 3)));
    assertThat(monitor.isUp("a")).as("state kept across a change").isTrue();
    scheduler.advance(Duration.ZERO); // a changed check probes at once
    tick(1);
    assertThat(monitor.isUp("a")).as("the new fall=3 applies").isTrue();
    tick(1);
    assertThat(monitor.isUp("a")).isFalse();
    assertThat(created.get("a")).hasValue(2);
    assertThat(events).containsExactly("a:UP", "a:DOWN");
  }

  @Test
  void aListWithADuplicateNameChangesNothing() {
    probes.put("a", new ScriptedProbe("", true));
    monitor = start(tcp("a", 1, 1));
    tick(1);
    assertThatThrownBy(() -> monitor.update(List.of(tcp("b", 1, 1), tcp("b", 2, 2))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("duplicate health check name: b");
    assertThat(monitor.states()).isEqualTo(Map.of("a", true));
  }

  @Test
  void closeStopsEveryCheckAndRemovesTheGauges() {
    ScriptedProbe a = new ScriptedProbe("", true);
    probes.put("a", a);
    monitor = start(tcp("a", 1, 1));
    tick(2);
    monitor.close();
    tick(3);
    assertThat(a.calls).hasValue(3);
    assertThat(registry.find(HealthMonitor.GAUGE).gauges()).isEmpty();
    assertThat(monitor.isUp("a")).isFalse();
    assertThat(scheduler.pending()).isZero();
    assertThatThrownBy(() -> monitor.update(List.of())).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aThrowingProbeOrListenerDoesNotStopTheCheck() {
    AtomicInteger calls = new AtomicInteger();
    probes.put(
        "a",
        () -> {
          if (calls.incrementAndGet() <= 2) {
            throw new IllegalStateException("broken");
          }
          return ProbeResult.pass("fine");
        });
    monitor =
        new HealthMonitor(
            scheduler,
            scheduler,
            factory,
            registry,
            (check, up) -> {
              record(check, up);
              throw new IllegalStateException("listener broken");
            });
    monitor.start(List.of(tcp("a", 2, 1)));
    scheduler.advance(Duration.ZERO);
    tick(4);
    assertThat(monitor.isUp("a")).isTrue();
    assertThat(events).containsExactly("a:UP");
    assertThat(calls).hasValue(5);
  }

  private HealthMonitor start(HealthCheckSpec... specs) {
    HealthMonitor m = new HealthMonitor(scheduler, scheduler, factory, registry, this::record);
    m.start(List.of(specs));
    scheduler.advance(Duration.ZERO);
    return m;
  }

  /** Advances {@code n} intervals: n more probes after the one {@link #start} ran. */
  private void tick(int n) {
    for (int i = 0; i < n; i++) {
      scheduler.advance(INTERVAL);
    }
  }

  private void record(String check, boolean up) {
    events.add(check + ":" + (up ? "UP" : "DOWN"));
  }

  private Gauge gauge(String check) {
    return registry.get(HealthMonitor.GAUGE).tag("check", check).gauge();
  }

  private static HealthCheckSpec tcp(String name, int rise, int fall) {
    return new HealthCheckSpec.Tcp(
        name,
        "127.0.0.1",
        9,
        new HealthCheckSpec.Timing(INTERVAL, INTERVAL.dividedBy(2), rise, fall));
  }
}
