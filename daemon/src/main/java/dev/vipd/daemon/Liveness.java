package dev.vipd.daemon;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Whether the threads vipd depends on still run: each part heart-beats, and a part whose last beat
 * is older than {@link #STALL_BOUND} is stalled. {@code /healthz} answers 503 naming the stalled
 * parts and the watchdog withholds {@code WATCHDOG=1}, so systemd restarts a daemon whose cluster
 * thread, data-plane event loop, announcer or HTTP loop hangs.
 *
 * <p>The beats are driven from outside each part: every {@link #BEAT_INTERVAL} the wiring submits
 * a beat as a task to the part's own thread (or, for the cluster thread, makes a blocking call on
 * it from a probe thread). A thread that no longer runs its tasks never beats. Thread-safe; time
 * comes from the injected monotonic clock.
 */
final class Liveness {
  /**
   * How long a part may go without a beat. Longer than the longest legitimate busy spell of any
   * watched thread (a command on the data-plane worker is killed after 5 s; a cluster task never
   * waits on Hazelcast that long), short enough that systemd restarts a hung daemon well within a
   * typical {@code WatchdogSec=30s}.
   */
  static final Duration STALL_BOUND = Duration.ofSeconds(10);

  /** How often beats are requested: ten chances per bound. */
  static final Duration BEAT_INTERVAL = Duration.ofSeconds(1);

  private final LongSupplier nanoClock;
  private final long boundNanos;
  private final Map<String, AtomicLong> lastBeat = new ConcurrentHashMap<>();

  Liveness(LongSupplier nanoClock, Duration bound) {
    this.nanoClock = nanoClock;
    this.boundNanos = bound.toNanos();
  }

  /** Watches {@code part} from now on; its first beat is due within the bound. */
  Runnable heart(String part) {
    AtomicLong last = lastBeat.computeIfAbsent(part, p -> new AtomicLong(nanoClock.getAsLong()));
    return () -> last.set(nanoClock.getAsLong());
  }

  /** Stops watching {@code part} (it was closed on purpose). */
  void forget(String part) {
    lastBeat.remove(part);
  }

  /** The parts whose last beat is older than the bound, sorted by name. */
  List<String> stalled() {
    long now = nanoClock.getAsLong();
    List<String> out = new ArrayList<>();
    lastBeat.forEach((part, last) -> {
      if (now - last.get() > boundNanos) {
        out.add(part);
      }
    });
    out.sort(null);
    return out;
  }

  /** Whether no part is stalled. */
  boolean alive() {
    return stalled().isEmpty();
  }

  /** One line for {@code /healthz}: {@code ok}, or which parts are stalled and for how long. */
  String describe() {
    long now = nanoClock.getAsLong();
    List<String> parts = new ArrayList<>();
    for (String part : stalled()) {
      AtomicLong last = lastBeat.get(part);
      long ms = last == null ? 0 : (now - last.get()) / 1_000_000;
      parts.add(part + " (no heartbeat for " + ms + " ms)");
    }
    return parts.isEmpty() ? "ok" : "stalled: " + String.join(", ", parts);
  }
}
