package dev.vipd.daemon.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the configured health checks and keeps each one UP or DOWN, like keepalived's track scripts:
 * a pool is eligible on this node only while its checks are UP. A check starts DOWN and becomes UP
 * after {@code rise} consecutive passes; it goes DOWN after {@code fall} consecutive failures, a
 * probe that overruns its timeout being a failure. The {@link HealthListener} hears of real
 * transitions only; {@link #isUp} and the gauge {@code vipd_health_check_up{check}} (0 or 1) show
 * the current state.
 *
 * <p>Lifecycle: {@code LATENT -> STARTED -> CLOSED}. The constructor starts nothing; {@link #start}
 * schedules the checks; {@link #update} applies a reloaded configuration; {@link #close} stops
 * every check and removes the gauges. The scheduler and probe executor belong to the caller, who
 * shuts them down after {@link #close}.
 *
 * <p>Threads: the scheduler only starts probes and fires timeouts; probes (which block: connect,
 * request, child process) run on the probe executor, which should be bounded, e.g. {@link
 * #newProbeExecutor}. A probe that waits in a full executor's queue past its timeout fails.
 *
 * <p>Reload: a check whose spec is unchanged keeps running with its state and counts; a check whose
 * spec changed keeps UP or DOWN but restarts its counts with the new spec; a removed check stops
 * and loses its gauge; a new check starts DOWN. Neither removing nor adding a check calls the
 * listener. {@link #isUp} is false for a check that does not exist.
 */
public final class HealthMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);

  /** The gauge's name; Prometheus shows it as {@code vipd_health_check_up}. */
  static final String GAUGE = "vipd.health.check.up";

  private enum State {
    LATENT,
    STARTED,
    CLOSED
  }

  private record Running(CheckRunner runner, Gauge gauge) {}

  private final ScheduledExecutorService scheduler;
  private final ExecutorService probeExecutor;
  private final ProbeFactory probes;
  private final MeterRegistry registry;
  private final HealthListener listener;
  private final Map<String, Running> checks = new ConcurrentHashMap<>();
  private State state = State.LATENT;

  /**
   * Creates a monitor; nothing runs before {@link #start}.
   *
   * @param scheduler ticks and timeouts; its tasks never block
   * @param probeExecutor runs the probes; bounded
   * @param probes makes a probe per check, normally {@link ProbeFactory#standard}
   * @param registry where the {@code vipd.health.check.up} gauges go
   * @param listener told of every transition
   */
  public HealthMonitor(
      ScheduledExecutorService scheduler,
      ExecutorService probeExecutor,
      ProbeFactory probes,
      MeterRegistry registry,
      HealthListener listener) {
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.probeExecutor = Objects.requireNonNull(probeExecutor, "probeExecutor");
    this.probes = Objects.requireNonNull(probes, "probes");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * A probe executor of {@code threads} daemon threads and a queue of {@code queue} probes; beyond
   * that a probe is refused and counts as a failure.
   */
  public static ExecutorService newProbeExecutor(int threads, int queue) {
    AtomicInteger count = new AtomicInteger();
    return new ThreadPoolExecutor(
        threads,
        threads,
        60,
        TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(queue),
        r -> {
          Thread t = new Thread(r, "vipd-health-probe-" + count.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** Starts {@code specs}, each DOWN; their first probes run at once. */
  public synchronized void start(List<HealthCheckSpec> specs) {
    Map<String, HealthCheckSpec> byName = byName(specs);
    if (state != State.LATENT) {
      throw new IllegalStateException("cannot start a health monitor that is " + state);
    }
    Map<String, Probe> newProbes = new LinkedHashMap<>();
    byName.values().forEach(spec -> newProbes.put(spec.name(), probes.create(spec)));
    state = State.STARTED;
    byName.values().forEach(spec -> add(spec, newProbes.get(spec.name())));
  }

  /**
   * Applies a reloaded list of checks (see the class comment). Validates first: a list with a
   * duplicate name changes nothing.
   */
  public synchronized void update(List<HealthCheckSpec> specs) {
    Map<String, HealthCheckSpec> byName = byName(specs);
    if (state != State.STARTED) {
      throw new IllegalStateException("cannot update a health monitor that is " + state);
    }
    // Probes first: if one cannot be made, nothing has changed yet.
    Map<String, Probe> newProbes = new LinkedHashMap<>();
    for (HealthCheckSpec spec : byName.values()) {
      Running running = checks.get(spec.name());
      if (running == null || !running.runner().spec().equals(spec)) {
        newProbes.put(spec.name(), probes.create(spec));
      }
    }
    for (String name : new ArrayList<>(checks.keySet())) {
      if (!byName.containsKey(name)) {
        remove(name);
        log.info("op=health check={} removed", name);
      }
    }
    newProbes.forEach(
        (name, probe) -> {
          HealthCheckSpec spec = byName.get(name);
          Running running = checks.get(name);
          if (running == null) {
            add(spec, probe);
            log.info("op=health check={} added state=DOWN", name);
          } else {
            running.runner().replace(spec, probe);
            log.info("op=health check={} changed, state kept", name);
          }
        });
  }

  /** Whether {@code check} exists and is UP. */
  public boolean isUp(String check) {
    Running running = checks.get(check);
    return running != null && running.runner().isUp();
  }

  /** Every check's state, by name. */
  public Map<String, Boolean> states() {
    Map<String, Boolean> states = new TreeMap<>();
    checks.forEach((name, running) -> states.put(name, running.runner().isUp()));
    return states;
  }

  /** Stops every check and removes its gauge. Idempotent. */
  @Override
  public synchronized void close() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    new ArrayList<>(checks.keySet()).forEach(this::remove);
  }

  private void add(HealthCheckSpec spec, Probe probe) {
    CheckRunner runner = new CheckRunner(spec, probe, scheduler, probeExecutor, listener);
    Gauge gauge =
        Gauge.builder(GAUGE, runner, r -> r.isUp() ? 1 : 0)
            .description("1 while the health check is UP, 0 while it is DOWN")
            .tag("check", spec.name())
            .strongReference(true)
            .register(registry);
    checks.put(spec.name(), new Running(runner, gauge));
    runner.start();
  }

  private void remove(String name) {
    Running running = checks.remove(name);
    running.runner().stop();
    registry.remove(running.gauge());
  }

  private static Map<String, HealthCheckSpec> byName(List<HealthCheckSpec> specs) {
    Map<String, HealthCheckSpec> byName = new LinkedHashMap<>();
    for (HealthCheckSpec spec : specs) {
      if (byName.putIfAbsent(Objects.requireNonNull(spec, "spec").name(), spec) != null) {
        throw new IllegalArgumentException("duplicate health check name: " + spec.name());
      }
    }
    return byName;
  }
}
