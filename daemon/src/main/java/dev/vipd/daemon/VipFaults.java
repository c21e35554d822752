package dev.vipd.daemon;

import dev.vipd.protocol.wire.InetAddresses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The VIPs this node failed to serve, each with the stage that failed, and when to try again.
 *
 * <p>Every failure counts in {@code vipd_vip_errors_total{vip,stage}}; the log says it once per
 * VIP and stage (at {@code error}), not on every retry, and once more when the VIP recovers. A
 * failed VIP is retried with exponential backoff ({@link #FIRST_RETRY} doubling up to {@link
 * #MAX_RETRY}) and is reported unservable (the cluster then places it elsewhere) until an attempt
 * succeeds or, once released, until its retry time: then the node may be offered it again, and a
 * new failure waits twice as long. Time is the injected monotonic clock. Not thread-safe: the data
 * plane's thread owns it; {@link #snapshot()} is safe from any thread.
 */
final class VipFaults {
  /** Long enough that a transient error (a busy netlink socket) is gone; short for a takeover. */
  static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  /** A VIP that keeps failing costs one attempt a minute, and one log line in total. */
  static final Duration MAX_RETRY = Duration.ofMinutes(1);

  private static final Logger log = LoggerFactory.getLogger(VipFaults.class);

  /** What {@code /status} shows for one VIP. */
  record Fault(String stage, String reason, int attempts, long retryInMillis, boolean unservable) {}

  private static final class Entry {
    String stage;
    String reason;
    int attempts;
    long retryAt;
    boolean unservable;
  }

  private final MeterRegistry registry;
  private final LongSupplier nanoClock;
  private final Map<InetAddress, Entry> entries = new LinkedHashMap<>();
  private volatile Map<InetAddress, Fault> snapshot = Map.of();

  VipFaults(MeterRegistry registry, LongSupplier nanoClock) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
  }

  /** {@code vip} failed at {@code stage}: counted, logged once, retried later, unservable. */
  void failed(InetAddress vip, String stage, String reason) {
    Counter.builder("vipd.vip.errors")
        .description("Failures to serve a VIP, by the stage that failed (bind, join, filter...)")
        .tag("vip", InetAddresses.format(vip)).tag("stage", stage).register(registry).increment();
    Entry e = entries.computeIfAbsent(vip, v -> new Entry());
    if (!stage.equals(e.stage) || !e.unservable) {
      log.error("op=serve vip={} stage={} msg=\"{}\" (retrying with backoff; reported unservable)",
          InetAddresses.format(vip), stage, reason);
    }
    e.stage = stage;
    e.reason = reason;
    e.attempts++;
    long delay = Math.min(MAX_RETRY.toNanos(), FIRST_RETRY.toNanos() << Math.min(e.attempts - 1, 20));
    e.retryAt = nanoClock.getAsLong() + delay;
    e.unservable = true;
    publish();
  }

  /** A failure that needs no retry and makes no VIP unservable (a group left behind). */
  void counted(InetAddress vip, String stage, String reason) {
    Counter.builder("vipd.vip.errors")
        .description("Failures to serve a VIP, by the stage that failed (bind, join, filter...)")
        .tag("vip", InetAddresses.format(vip)).tag("stage", stage).register(registry).increment();
    log.warn("op=serve vip={} stage={} msg=\"{}\"", InetAddresses.format(vip), stage, reason);
  }

  /** {@code vip} is served: its fault, if any, is gone. */
  void succeeded(InetAddress vip) {
    Entry e = entries.remove(vip);
    if (e != null) {
      log.info("op=serve vip={} msg=\"served after {} failed attempt(s) ({})\"",
          InetAddresses.format(vip), e.attempts, e.stage);
      publish();
    }
  }

  /**
   * The VIPs whose retry time has come. Those {@code wanted} are returned for another attempt;
   * the others are no longer reported unservable (their backoff is kept for the next failure).
   */
  Set<InetAddress> due(Set<InetAddress> wanted) {
    long now = nanoClock.getAsLong();
    Set<InetAddress> retry = new HashSet<>();
    boolean changed = false;
    for (Map.Entry<InetAddress, Entry> m : entries.entrySet()) {
      Entry e = m.getValue();
      if (e.unservable && now - e.retryAt >= 0) {
        if (wanted.contains(m.getKey())) {
          retry.add(m.getKey());
        } else {
          e.unservable = false;
          changed = true;
        }
      }
    }
    if (changed) {
      publish();
    }
    return retry;
  }

  /** Nanoseconds until the next retry is due, or -1 when none is. */
  long nextDueInNanos() {
    long now = nanoClock.getAsLong();
    return entries.values().stream().filter(e -> e.unservable)
        .mapToLong(e -> Math.max(0, e.retryAt - now)).min().orElse(-1);
  }

  /** The VIPs reported unservable now. */
  Set<InetAddress> unservable() {
    Set<InetAddress> out = new HashSet<>();
    entries.forEach((vip, e) -> {
      if (e.unservable) {
        out.add(vip);
      }
    });
    return Set.copyOf(out);
  }

  /** The faults as of the last change; safe from any thread (for {@code /status}). */
  Map<InetAddress, Fault> snapshot() {
    long now = nanoClock.getAsLong();
    Map<InetAddress, Fault> out = new LinkedHashMap<>();
    snapshot.forEach((vip, f) -> out.put(vip, new Fault(f.stage(), f.reason(), f.attempts(),
        f.unservable() ? Math.max(0, (f.retryInMillis() - now / 1_000_000)) : 0, f.unservable())));
    return out;
  }

  private void publish() {
    Map<InetAddress, Fault> out = new LinkedHashMap<>();
    // retryInMillis holds the absolute retry time in ms here; snapshot() makes it relative.
    entries.forEach((vip, e) -> out.put(vip,
        new Fault(e.stage, e.reason, e.attempts, e.retryAt / 1_000_000, e.unservable)));
    snapshot = Map.copyOf(out);
  }
}
