package dev.vipd.daemon.binding;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds VIPs at once and unbinds them only after a grace period.
 *
 * <p>On release vipd stops answering and announcing first; the new owner's announcements move the
 * clients. Packets already sent to this node's MAC (in flight, queued in switches, TCP
 * retransmissions from clients whose neighbour entry has not moved yet) keep arriving for a short
 * while, and keeping the local binding means they are still delivered (or answered with a reset)
 * instead of being dropped or routed back out. {@link #DEFAULT_GRACE} covers that window.
 *
 * <p>Binding a VIP again before its unbind runs cancels the unbind: the VIP never goes away. The
 * decision to run a scheduled unbind is taken under this object's lock, so a {@link #bind} racing
 * with the timer either cancels the unbind or binds again after it; the binding ends up in the
 * state of the latest call either way.
 *
 * <p>Unbinds are batched: when one falls due, every other one due within {@link #BATCH_WINDOW}
 * goes with it in one {@link LocalBinding#unbindAll} (one {@code ip} process for a released
 * batch, not one per VIP). The scheduler should be the data plane's own thread, never one that
 * health checks share: an {@code ip} process takes milliseconds.
 */
public final class DelayedUnbinder {

  /**
   * Default grace period. Clients move on the first gratuitous ARP / unsolicited NA (~1 ms on a
   * LAN); the stragglers are TCP retransmissions, whose first timeout on Linux is 200 ms and the
   * second 400 ms later. Two seconds covers the first retransmissions of a connection that was
   * mid-flight, while being short enough that a VIP moved away is not held for long.
   */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(2);

  /**
   * Unbinds due this close to each other run together. A released batch is scheduled within a
   * few milliseconds; 100 ms more of grace for some of them is nothing against the 2 s grace.
   */
  static final Duration BATCH_WINDOW = Duration.ofMillis(100);

  private static final Logger log = LoggerFactory.getLogger(DelayedUnbinder.class);

  private final LocalBinding binding;
  private final ScheduledExecutorService scheduler;
  private final Duration grace;
  private final Map<InetAddress, ScheduledFuture<?>> pending = new HashMap<>();

  public DelayedUnbinder(
      LocalBinding binding, ScheduledExecutorService scheduler, Duration grace) {
    this.binding = Objects.requireNonNull(binding, "binding");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("invalid unbind grace: " + grace + " (expected: >= 0)");
    }
    this.grace = grace;
  }

  /** Cancels a pending unbind of {@code vip}, if any, and binds it now. */
  public synchronized void bind(InetAddress vip) {
    ScheduledFuture<?> unbind = pending.remove(vip);
    if (unbind != null) {
      unbind.cancel(false);
      log.debug("op=unbind-cancelled vip={}", Family.text(vip));
    }
    binding.bind(vip);
  }

  /**
   * Cancels the pending unbinds of {@code vips} and binds them all now, in one go if possible.
   *
   * @return the VIPs that could not be bound, with the reason (see {@link LocalBinding#bindAll})
   */
  public synchronized Map<InetAddress, String> bindAll(Collection<InetAddress> vips) {
    for (InetAddress vip : vips) {
      ScheduledFuture<?> unbind = pending.remove(vip);
      if (unbind != null) {
        unbind.cancel(false);
      }
    }
    return binding.bindAll(vips);
  }

  /** Schedules the unbind of {@code vip} after the grace period; a second call keeps the first. */
  public synchronized void release(InetAddress vip) {
    if (pending.containsKey(vip)) {
      return;
    }
    // The task finds its own future in the holder. It reads the holder under this lock, which
    // release() holds until the holder is filled, so even a zero grace sees the future.
    AtomicReference<ScheduledFuture<?>> self = new AtomicReference<>();
    long delay = grace.toMillis();
    self.set(scheduler.schedule(() -> unbindScheduled(vip, self), delay, TimeUnit.MILLISECONDS));
    pending.put(vip, self.get());
  }

  /** VIPs whose unbind is scheduled and has not run yet. */
  public synchronized Set<InetAddress> pending() {
    return Set.copyOf(pending.keySet());
  }

  /**
   * Cancels every pending unbind and runs them now (for shutdown: the caller then usually runs
   * {@link LocalBinding#cleanup()} too).
   */
  public synchronized void flush() {
    for (Map.Entry<InetAddress, ScheduledFuture<?>> entry : Map.copyOf(pending).entrySet()) {
      entry.getValue().cancel(false);
      unbindNow(entry.getKey(), entry.getValue());
    }
  }

  private synchronized void unbindScheduled(
      InetAddress vip, AtomicReference<ScheduledFuture<?>> self) {
    ScheduledFuture<?> task = self.get();
    if (task == null || pending.get(vip) != task) {
      return; // cancelled or replaced after the timer fired, or taken by an earlier batch
    }
    List<InetAddress> due = new ArrayList<>();
    long window = BATCH_WINDOW.toMillis();
    pending.entrySet().removeIf(e -> {
      if (e.getValue() == task || e.getValue().getDelay(TimeUnit.MILLISECONDS) <= window) {
        e.getValue().cancel(false);
        due.add(e.getKey());
        return true;
      }
      return false;
    });
    Map<InetAddress, String> failed;
    try {
      failed = binding.unbindAll(due);
    } catch (RuntimeException e) {
      failed = Map.of();
      log.warn("op=unbind vips={} error=\"{}\"", due.size(), e.getMessage());
    }
    failed.forEach((v, why) -> log.warn("op=unbind vip={} error=\"{}\"", Family.text(v), why));
  }

  private synchronized void unbindNow(InetAddress vip, ScheduledFuture<?> task) {
    // The task may have been cancelled (or replaced) after the timer fired but before the lock.
    if (task == null || pending.get(vip) != task) {
      return;
    }
    pending.remove(vip);
    try {
      binding.unbind(vip);
    } catch (RuntimeException e) {
      log.warn("op=unbind vip={} error=\"{}\"", Family.text(vip), e.getMessage());
    }
  }
}
