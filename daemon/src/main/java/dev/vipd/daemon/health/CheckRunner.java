package dev.vipd.daemon.health;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one check for {@link HealthMonitor}: a tick on the scheduler every interval hands the probe
 * to the probe executor and arms a timeout on the scheduler; whichever of result and timeout comes
 * first is the attempt's result, counted by {@link RiseFall}. The scheduler thread never blocks.
 *
 * <p>A probe that overruns is interrupted and counts as a failure. If it still has not returned at
 * the next tick (it ignored the interrupt), that tick counts as another failure instead of starting
 * a second probe, so a hung check cannot fill the probe executor.
 *
 * <p>{@link #replace} swaps the spec and probe but keeps UP or DOWN; results of attempts started
 * before a replace or stop are dropped (the generation number tells them apart).
 */
final class CheckRunner {
  private static final Logger log = LoggerFactory.getLogger(CheckRunner.class);

  /** One run of the probe; completed exactly once, by the probe or by the timeout. */
  private static final class Attempt {
    final long generation;
    final AtomicBoolean completed = new AtomicBoolean();
    /**
     * True only while the probe's code runs: a probe still queued when its timeout cancels it
     * never runs, and must not count as "still running" at every later tick.
     */
    volatile boolean probeRunning;
    volatile Future<?> task;
    volatile ScheduledFuture<?> timer;

    Attempt(long generation) {
      this.generation = generation;
    }

    void cancel() {
      Future<?> t = task;
      if (t != null) {
        t.cancel(true);
      }
      ScheduledFuture<?> s = timer;
      if (s != null) {
        s.cancel(false);
      }
    }
  }

  private final String name;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService probeExecutor;
  private final HealthListener listener;

  private HealthCheckSpec spec;
  private Probe probe;
  private RiseFall riseFall;
  private long generation;
  private ScheduledFuture<?> ticks;
  private Attempt current;
  private boolean stopped;
  private volatile boolean up;

  CheckRunner(
      HealthCheckSpec spec,
      Probe probe,
      ScheduledExecutorService scheduler,
      ExecutorService probeExecutor,
      HealthListener listener) {
    this.name = spec.name();
    this.spec = spec;
    this.probe = probe;
    this.scheduler = scheduler;
    this.probeExecutor = probeExecutor;
    this.listener = listener;
    this.riseFall = new RiseFall(spec.timing().rise(), spec.timing().fall(), false);
  }

  boolean isUp() {
    return up;
  }

  synchronized HealthCheckSpec spec() {
    return spec;
  }

  /** Starts ticking: the first probe runs at once. */
  synchronized void start() {
    long interval = spec.timing().interval().toNanos();
    ticks = scheduler.scheduleAtFixedRate(this::tick, 0, interval, TimeUnit.NANOSECONDS);
  }

  /** Runs {@code newSpec} from now on, keeping UP or DOWN; counts of passes or failures restart. */
  synchronized void replace(HealthCheckSpec newSpec, Probe newProbe) {
    cancelAll();
    spec = newSpec;
    probe = newProbe;
    riseFall = new RiseFall(newSpec.timing().rise(), newSpec.timing().fall(), up);
    if (!stopped) {
      start();
    }
  }

  /** Stops ticking and interrupts a running probe; later results are dropped. */
  synchronized void stop() {
    stopped = true;
    cancelAll();
  }

  private void cancelAll() {
    generation++;
    if (ticks != null) {
      ticks.cancel(false);
      ticks = null;
    }
    if (current != null) {
      current.cancel();
      current = null;
    }
  }

  private void tick() {
    try {
      startAttempt();
    } catch (RuntimeException e) {
      // A periodic task that throws is never run again; keep the check alive and count it.
      log.error("op=health check={} probe could not be started", name, e);
    }
  }

  private synchronized void startAttempt() {
    if (stopped) {
      return;
    }
    if (current != null && current.probeRunning) {
      Attempt stuck = new Attempt(generation);
      complete(stuck, ProbeResult.fail("previous probe still running after its timeout"));
      return;
    }
    Attempt attempt = new Attempt(generation);
    current = attempt;
    Probe p = probe;
    long timeout = spec.timing().timeout().toNanos();
    try {
      attempt.task = probeExecutor.submit(() -> runProbe(attempt, p));
    } catch (RejectedExecutionException e) {
      complete(attempt, ProbeResult.fail("probe executor is full or shut down"));
      return;
    }
    attempt.timer =
        scheduler.schedule(
            () -> {
              attempt.task.cancel(true);
              complete(attempt, ProbeResult.fail("timed out after " + timeout / 1_000_000 + "ms"));
            },
            timeout,
            TimeUnit.NANOSECONDS);
  }

  private void runProbe(Attempt attempt, Probe p) {
    attempt.probeRunning = true;
    ProbeResult result;
    try {
      result = p.run();
    } catch (InterruptedException e) {
      result = ProbeResult.fail("interrupted");
    } catch (Exception e) {
      result = ProbeResult.fail("probe failed: " + e);
    } finally {
      attempt.probeRunning = false;
    }
    complete(attempt, result);
  }

  private void complete(Attempt attempt, ProbeResult result) {
    if (!attempt.completed.compareAndSet(false, true)) {
      return;
    }
    ScheduledFuture<?> timer = attempt.timer;
    if (timer != null) {
      timer.cancel(false);
    }
    synchronized (this) {
      if (stopped || attempt.generation != generation) {
        return;
      }
      if (!result.passed()) {
        log.debug("op=health check={} result=fail detail={}", name, result.detail());
      }
      if (!riseFall.record(result.passed())) {
        return;
      }
      up = riseFall.isUp();
      if (up) {
        log.info("op=health check={} state=UP detail={}", name, result.detail());
      } else {
        log.warn("op=health check={} state=DOWN detail={}", name, result.detail());
      }
      try {
        listener.changed(name, up);
      } catch (RuntimeException e) {
        log.error("op=health check={} listener failed", name, e);
      }
    }
  }
}
