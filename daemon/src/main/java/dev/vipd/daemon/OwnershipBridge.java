package dev.vipd.daemon;

import dev.vipd.cluster.ownership.Assignment;
import dev.vipd.cluster.ownership.OwnershipListener;
import dev.vipd.cluster.election.Reason;
import dev.vipd.daemon.RunningConfig.Place;
import dev.vipd.daemon.hooks.HookRunner;
import dev.vipd.daemon.metrics.VipdMetrics;
import dev.vipd.protocol.wire.InetAddresses;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the cluster's ownership decisions into data-plane actions, metrics and hook runs, and
 * keeps them right across configuration reloads.
 *
 * <p>Two records are kept. <em>Assigned</em>: what the cluster says this node holds (its {@code
 * acquired} minus its {@code released}), whatever the local configuration says. <em>Served</em>:
 * what the data plane answers for, each VIP with the pool and interface that were in force when
 * it was acquired here. A VIP is served when it is assigned and the running configuration has it
 * in a pool. {@link #reconcile} re-applies that rule to every VIP after a reload: a VIP assigned
 * before its pool was loaded here is acquired now; a VIP no longer configured, or moved to
 * another interface, is released on the interface it was acquired on (never looked up in the new
 * configuration, where its pool may be renamed or gone), then acquired on the new one.
 *
 * <p>Thread-safe: ownership events come from the cluster thread, reconciliation from the reload.
 * Nothing here blocks: the data plane queues acquisitions, hooks run on their own workers.
 */
final class OwnershipBridge implements OwnershipListener {
  private static final Logger log = LoggerFactory.getLogger(OwnershipBridge.class);

  private final VipSink dataPlane;
  private final VipdMetrics metrics;
  private final HookRunner hooks;
  private final TakeoverTimer takeovers;
  private final RunningConfig running;
  /** What the cluster assigned here; guarded by this. */
  private final Map<InetAddress, Assignment> assigned = new HashMap<>();
  /** What the data plane serves, with where it was acquired; guarded by this. */
  private final Map<InetAddress, Place> served = new HashMap<>();
  private final AtomicLong stallNanos = new AtomicLong();

  OwnershipBridge(
      VipSink dataPlane,
      VipdMetrics metrics,
      HookRunner hooks,
      TakeoverTimer takeovers,
      RunningConfig running) {
    this.dataPlane = dataPlane;
    this.metrics = metrics;
    this.hooks = hooks;
    this.takeovers = takeovers;
    this.running = running;
  }

  @Override
  public synchronized void acquired(Assignment a) {
    assigned.put(a.vip(), a);
    Place now = running.placeOf(a.vip());
    if (now == null) {
      log.warn("op=acquire vip={} pool={} msg=\"not configured here; served once a reload adds"
          + " it\"", InetAddresses.format(a.vip()), a.pool());
      return;
    }
    Place was = served.get(a.vip());
    if (was != null && !was.equals(now)) {
      release(a.vip(), was, a.epoch(), Reason.PLACEMENT);
    }
    if (a.reason() != Reason.PLACEMENT) {
      takeovers.expect(a.vip(), a.noticedAtMillis());
    }
    acquire(a, now, a.reason());
  }

  @Override
  public synchronized void released(Assignment a, Reason reason) {
    assigned.remove(a.vip());
    Place was = served.get(a.vip());
    if (was == null) {
      log.info("op=release vip={} pool={} epoch={} reason={} msg=\"was not served here\"",
          InetAddresses.format(a.vip()), a.pool(), a.epoch(), reason.tag());
      return;
    }
    release(a.vip(), was, a.epoch(), reason);
  }

  @Override
  public void answerDeadline(long deadlineNanos) {
    long stall = stallNanos.getAndSet(0);
    if (stall > 0) {
      stallCallingThread(stall);
    }
    dataPlane.answerDeadline(deadlineNanos);
  }

  /**
   * Test-only hook, reachable only through the hidden control command that {@link DebugControls}
   * registers when the {@code vipd.debug.stall-cluster-seconds} system property is set: the next
   * answer-deadline push, which the cluster thread makes several times a second, blocks that
   * thread for {@code nanos}. Proves that a hung cluster thread fails {@code /healthz} and stops
   * {@code WATCHDOG=1}.
   */
  void stallClusterThreadOnce(long nanos) {
    stallNanos.set(nanos);
  }

  private static void stallCallingThread(long nanos) {
    log.warn("op=debug-stall thread={} ms={} msg=\"blocking on request (debug hook)\"",
        Thread.currentThread().getName(), nanos / 1_000_000);
    try {
      Thread.sleep(nanos / 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * After a reload: serves every assigned VIP the running configuration has, and releases every
   * served VIP it no longer has where it was, by the pool and interface it was acquired with.
   *
   * @return how many VIPs were released and acquired
   */
  synchronized int reconcile() {
    Set<InetAddress> vips = new LinkedHashSet<>(served.keySet());
    vips.addAll(assigned.keySet());
    int changes = 0;
    for (InetAddress vip : vips) {
      Assignment a = assigned.get(vip);
      Place now = a == null ? null : running.placeOf(vip);
      Place was = served.get(vip);
      if (was != null && !was.equals(now)) {
        if (now != null && was.interfaceName().equals(now.interfaceName())) {
          // Same interface, pool renamed: keep answering; only the name changes.
          served.put(vip, now);
          metrics.vipOwned(now.pool(), vip, true);
          log.info("op=reconcile vip={} pool={} was_pool={} msg=\"pool renamed\"",
              InetAddresses.format(vip), now.pool(), was.pool());
          continue;
        }
        release(vip, was, a == null ? 0 : a.epoch(), Reason.PLACEMENT);
        changes++;
      }
      if (now != null && !now.equals(served.get(vip))) {
        acquire(a, now, Reason.PLACEMENT);
        changes++;
      }
    }
    return changes;
  }

  /** The VIPs served here now, with where they were acquired. */
  synchronized Map<InetAddress, Place> served() {
    return Map.copyOf(served);
  }

  private void acquire(Assignment a, Place where, Reason reason) {
    served.put(a.vip(), where);
    dataPlane.acquire(where.interfaceName(), a.vip());
    metrics.vipOwned(where.pool(), a.vip(), true);
    metrics.vipEpoch(a.vip(), a.epoch());
    String vip = InetAddresses.format(a.vip());
    log.info("op=acquire vip={} pool={} interface={} epoch={} reason={}", vip, where.pool(),
        where.interfaceName(), a.epoch(), reason.tag());
    hooks.acquired(vip, where.pool(), a.epoch(), reason.tag());
  }

  private void release(InetAddress address, Place where, long epoch, Reason reason) {
    served.remove(address);
    takeovers.cancel(address);
    dataPlane.release(where.interfaceName(), address);
    metrics.vipOwned(where.pool(), address, false);
    String vip = InetAddresses.format(address);
    log.info("op=release vip={} pool={} interface={} epoch={} reason={}", vip, where.pool(),
        where.interfaceName(), epoch, reason.tag());
    hooks.released(vip, where.pool(), epoch, reason.tag());
  }
}
