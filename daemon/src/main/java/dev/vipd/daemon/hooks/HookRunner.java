package dev.vipd.daemon.hooks;

import dev.vipd.daemon.health.Unprivileged;
import dev.vipd.daemon.process.ChildProcess;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the notify hooks when this node acquires or releases a VIP. Each hook gets the environment
 * {@code VIPD_EVENT} ({@code acquire} or {@code release}), {@code VIPD_VIP}, {@code VIPD_POOL},
 * {@code VIPD_EPOCH}, {@code VIPD_REASON} and {@code VIPD_HOOK}, runs without vipd's capabilities
 * (see {@link Unprivileged}) and is killed with its descendants at its timeout.
 *
 * <p>{@link #acquired} and {@link #released} never block: the hooks run on the injected executor,
 * which the caller owns and shuts down. Hooks of one VIP run one after another in event order, so a
 * release hook never overtakes the acquire hook of the same VIP, and a VIP's slow hook delays only
 * that VIP's later hooks. At most {@link #MAX_PENDING} hook runs wait; beyond that an event's hooks
 * are dropped and counted, so a flapping VIP cannot exhaust memory.
 *
 * <p>Every run is counted as {@code vipd_hook_runs_total{event,result}} with result {@code ok},
 * {@code failed} (non-zero exit), {@code timeout}, {@code error} (could not start) or {@code
 * dropped}; failures are logged with the hook, exit status and the start of the output.
 *
 * <p>Lifecycle: ready once constructed (it starts no thread); {@link #close} stops accepting
 * events, and hooks already queued still run. {@link #update} swaps the hooks for events that come
 * after it.
 */
public final class HookRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HookRunner.class);

  /** Waiting hook runs, all VIPs together: far more than a failover of every VIP produces. */
  public static final int MAX_PENDING = 4096;

  /** Bytes of a hook's output kept for the log. */
  static final int CAPTURE_LIMIT = 4096;

  private final Unprivileged unprivileged;
  private final MeterRegistry registry;
  private final SerialQueues<String> queues;
  private volatile List<HookSpec> hooks;
  private volatile boolean closed;

  /**
   * @param hooks the configured hooks, in the order they run for one event
   * @param executor runs the hooks; bounded, owned by the caller
   * @param unprivileged wraps each hook's command line
   * @param registry where {@code vipd.hook.runs} goes
   */
  public HookRunner(
      List<HookSpec> hooks,
      ExecutorService executor,
      Unprivileged unprivileged,
      MeterRegistry registry) {
    this.hooks = List.copyOf(hooks);
    this.unprivileged = Objects.requireNonNull(unprivileged, "unprivileged");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.queues =
        new SerialQueues<>(
            Objects.requireNonNull(executor, "executor"), MAX_PENDING, this::dropped);
  }

  /** Runs the acquire hooks for {@code vip}, later, in order after its earlier hooks. */
  public void acquired(String vip, String pool, long epoch, String reason) {
    fire(new Notification(HookEvent.ACQUIRE, vip, pool, epoch, reason));
  }

  /** Runs the release hooks for {@code vip}, later, in order after its earlier hooks. */
  public void released(String vip, String pool, long epoch, String reason) {
    fire(new Notification(HookEvent.RELEASE, vip, pool, epoch, reason));
  }

  /** Uses {@code newHooks} for events fired from now on. */
  public void update(List<HookSpec> newHooks) {
    hooks = List.copyOf(newHooks);
  }

  /**
   * Waits up to {@code timeout} for every queued hook to finish, e.g. so that release hooks run
   * before the daemon exits; returns whether all did.
   */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    return queues.awaitIdle(timeout.toMillis());
  }

  /** Ignores events from now on; queued hooks still run. */
  @Override
  public void close() {
    closed = true;
  }

  private void fire(Notification n) {
    if (closed) {
      log.debug("op=hook event={} vip={} ignored: hook runner closed", n.event.value(), n.vip);
      return;
    }
    for (HookSpec hook : hooks) {
      if (hook.runsOn(n.event)) {
        queues.submit(n.vip, new Run(hook, n));
      }
    }
  }

  private void dropped(Runnable task) {
    Run run = (Run) task;
    count(run.notification.event, "dropped");
    log.warn(
        "op=hook hook={} event={} vip={} dropped: too many hooks waiting",
        run.hook.name(),
        run.notification.event.value(),
        run.notification.vip);
  }

  private void count(HookEvent event, String result) {
    Counter.builder("vipd.hook.runs")
        .description("Notify hook runs by event and result")
        .tag("event", event.value())
        .tag("result", result)
        .register(registry)
        .increment();
  }

  /** What a hook is told. */
  private static final class Notification {
    final HookEvent event;
    final String vip;
    final Map<String, String> environment;

    Notification(HookEvent event, String vip, String pool, long epoch, String reason) {
      this.event = event;
      this.vip = Objects.requireNonNull(vip, "vip");
      this.environment =
          Map.of(
              "VIPD_EVENT", event.value(),
              "VIPD_VIP", vip,
              "VIPD_POOL", Objects.requireNonNull(pool, "pool"),
              "VIPD_EPOCH", Long.toString(epoch),
              "VIPD_REASON", Objects.requireNonNull(reason, "reason"));
    }
  }

  /** One hook for one notification. */
  private final class Run implements Runnable {
    final HookSpec hook;
    final Notification notification;

    Run(HookSpec hook, Notification notification) {
      this.hook = hook;
      this.notification = notification;
    }

    @Override
    public void run() {
      String event = notification.event.value();
      Map<String, String> env = new HashMap<>(notification.environment);
      env.put("VIPD_HOOK", hook.name());
      ChildProcess.Result result;
      try {
        result =
            ChildProcess.run(unprivileged.wrap(hook.argv()), env, hook.timeout(), CAPTURE_LIMIT);
      } catch (IOException e) {
        count(notification.event, "error");
        log.warn(
            "op=hook hook={} event={} vip={} could not start {}: {}",
            hook.name(),
            event,
            notification.vip,
            hook.argv(),
            e.getMessage());
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        count(notification.event, "error");
        log.warn(
            "op=hook hook={} event={} vip={} interrupted", hook.name(), event, notification.vip);
        return;
      }
      if (result.succeeded()) {
        count(notification.event, "ok");
        log.info(
            "op=hook hook={} event={} vip={} result=ok ms={}",
            hook.name(),
            event,
            notification.vip,
            result.elapsed().toMillis());
      } else {
        count(notification.event, result.timedOut() ? "timeout" : "failed");
        log.warn(
            "op=hook hook={} event={} vip={} result={} {}",
            hook.name(),
            event,
            notification.vip,
            result.timedOut() ? "timeout" : "failed",
            result.describe());
      }
    }
  }
}
