package dev.vipd.cluster.ownership;

import dev.vipd.cluster.election.Reason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every node's view of the ownership table: the highest verified epoch per VIP, from the owners
 * map (initial scan and entry events) and from ownership events, and the VIPs this node holds.
 * Fires {@link OwnershipListener#acquired} and {@link OwnershipListener#released} only on a real
 * change for this node, and never for an epoch lower than one already seen.
 *
 * <p>Rules: an assignment replaces the known one when its epoch is higher, or equal with a
 * smaller node name ({@link Precedence}); a removal removes the known
 * assignment only when its epoch is not higher than the removal's. The highest epoch per VIP is
 * remembered across removals ({@link #floor}) so that a writer never reissues an old epoch. This
 * node holds a VIP when the known assignment names it and owning is allowed ({@link
 * #setMayOwn}: quorum, verified, not closed).
 *
 * <p>Hand-over: while {@link #setHandingOver} is true, a VIP that moves to another node is
 * released only the hand-over grace after the new owner is known here, so that the successor
 * announces first.
 *
 * <p>{@code vipd.failovers{pool,vip,reason}} counts every acquisition whose reason is not {@code
 * placement}: a first placement (cluster start, new VIP) is not a failover.
 *
 * <p>Not thread-safe: every method runs on the cluster thread that {@code scheduler} drives.
 */
public final class OwnershipTracker {
  private static final Logger log = LoggerFactory.getLogger(OwnershipTracker.class);

  private final String self;
  private final OwnershipListener listener;
  private final MeterRegistry registry;
  private final ScheduledExecutorService scheduler;
  private final long graceNanos;
  private final Map<String, Assignment> known = new LinkedHashMap<>();
  private final Map<String, Long> floors = new HashMap<>();
  private final Map<String, Long> removedUpTo = new HashMap<>();
  private final Map<String, Assignment> held = new LinkedHashMap<>();
  private final Map<String, Long> pendingRelease = new HashMap<>();
  /** The VIPs of {@link #pendingRelease}, readable from any thread without the cluster thread. */
  private final Set<InetAddress> handingOverVips = ConcurrentHashMap.newKeySet();
  private boolean mayOwn;
  private boolean handingOver;
  private Reason denyReason = Reason.MEMBER_LOST;

  public OwnershipTracker(
      String self,
      OwnershipListener listener,
      MeterRegistry registry,
      ScheduledExecutorService scheduler,
      Duration handoverGrace) {
    this.self = self;
    this.listener = listener;
    this.registry = registry;
    this.scheduler = scheduler;
    this.graceNanos = handoverGrace.toNanos();
  }

  /**
   * Offers a verified assignment.
   *
   * @return false when it was stale (lower epoch, or losing a tie) and ignored
   */
  public boolean offer(Assignment a) {
    String key = Vips.format(a.vip());
    Assignment current = known.get(key);
    if (current != null && !Precedence.wins(a, current)) {
      return current.equals(a) || sameOwnership(current, a);
    }
    if (a.epoch() <= removedUpTo.getOrDefault(key, 0L)) {
      return false; // a late copy of an ownership already removed
    }
    known.put(key, a);
    floors.merge(key, a.epoch(), Math::max);
    reconcile(key, a.reason());
    return true;
  }

  /**
   * Applies a verified removal of {@code last}'s ownership; {@code last.reason()} is why the VIP
   * has no owner any more.
   *
   * @return false when it was stale (a higher epoch is known) and changed nothing
   */
  public boolean remove(Assignment last) {
    String key = Vips.format(last.vip());
    floors.merge(key, last.epoch(), Math::max);
    removedUpTo.merge(key, last.epoch(), Math::max);
    Assignment current = known.get(key);
    if (current != null && current.epoch() <= last.epoch()) {
      known.remove(key);
      reconcile(key, last.reason());
    }
    return current == null || current.epoch() <= last.epoch();
  }

  /** Whether owning is allowed; when it becomes false every held VIP is released at once. */
  public void setMayOwn(boolean allowed, Reason reasonWhenDenied) {
    if (allowed == mayOwn) {
      return;
    }
    mayOwn = allowed;
    denyReason = reasonWhenDenied;
    if (allowed) {
      new ArrayList<>(known.keySet()).forEach(key -> reconcile(key, Reason.PLACEMENT));
    } else {
      releaseAll(reasonWhenDenied);
    }
  }

  /** Whether VIPs moving away are released only after the hand-over grace. */
  public void setHandingOver(boolean handingOver) {
    this.handingOver = handingOver;
  }

  /** Releases every held VIP at once. */
  public void releaseAll(Reason reason) {
    pendingRelease.clear();
    handingOverVips.clear();
    for (Assignment a : List.copyOf(held.values())) {
      release(Vips.format(a.vip()), a, reason);
    }
  }

  /**
   * Whether this node still holds {@code vip} only for the hand-over grace: the table already
   * names its successor, whose announcements are then expected. Safe from any thread.
   */
  public boolean isHandingOver(InetAddress vip) {
    return handingOverVips.contains(vip);
  }

  /** The known table, VIP text to assignment. */
  public Map<String, Assignment> known() {
    return known;
  }

  /** The highest epoch ever seen for {@code vipText} (0 if none). */
  public long floor(String vipText) {
    return floors.getOrDefault(vipText, 0L);
  }

  /** The VIPs this node holds (acquired and not released). */
  public Map<String, Assignment> held() {
    return held;
  }

  /** Whether the table names this node for anything, or a release is still pending. */
  public boolean ownsAnything() {
    if (!held.isEmpty()) {
      return true;
    }
    for (Assignment a : known.values()) {
      if (a.node().equals(self)) {
        return true;
      }
    }
    return false;
  }

  /** The known assignments as an address-keyed map. */
  public Map<InetAddress, Assignment> table() {
    Map<InetAddress, Assignment> table = new LinkedHashMap<>();
    known.values().forEach(a -> table.put(a.vip(), a));
    return table;
  }

  private static boolean sameOwnership(Assignment a, Assignment b) {
    return a.epoch() == b.epoch() && a.node().equals(b.node());
  }

  private void reconcile(String key, Reason why) {
    Assignment want = known.get(key);
    boolean ours = mayOwn && want != null && want.node().equals(self);
    Assignment have = held.get(key);
    if (ours) {
      if (pendingRelease.remove(key) != null) {
        handingOverVips.remove(want.vip());
      }
      if (have == null || have.epoch() != want.epoch()) {
        held.put(key, want);
        log.info("op=acquired vip={} pool={} epoch={} reason={}", key, want.pool(), want.epoch(),
            want.reason().tag());
        if (want.reason() != Reason.PLACEMENT) {
          registry.counter("vipd.failovers", "pool", want.pool(), "vip", key,
              "reason", want.reason().tag()).increment();
        }
        safely(() -> listener.acquired(want));
      }
      return;
    }
    if (have == null) {
      return;
    }
    Reason reason = want != null ? want.reason() : mayOwn ? why : denyReason;
    if (handingOver && mayOwn && want != null && graceNanos > 0) {
      if (pendingRelease.putIfAbsent(key, want.epoch()) == null) {
        handingOverVips.add(have.vip());
        long epoch = want.epoch();
        scheduler.schedule(() -> releaseAfterGrace(key, epoch), graceNanos, TimeUnit.NANOSECONDS);
      }
      return;
    }
    release(key, have, reason);
  }

  private void releaseAfterGrace(String key, long epoch) {
    Long pending = pendingRelease.get(key);
    if (pending == null || pending != epoch) {
      return;
    }
    pendingRelease.remove(key);
    Assignment have = held.get(key);
    Assignment want = known.get(key);
    if (have != null) {
      handingOverVips.remove(have.vip());
    }
    if (have != null && (want == null || !want.node().equals(self) || !mayOwn)) {
      release(key, have, want != null ? want.reason() : denyReason);
    }
  }

  private void release(String key, Assignment have, Reason reason) {
    held.remove(key);
    handingOverVips.remove(have.vip());
    log.info("op=released vip={} pool={} epoch={} reason={}", key, have.pool(), have.epoch(),
        reason.tag());
    safely(() -> listener.released(have, reason));
  }

  private static void safely(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("op=ownership-listener error={}", e.toString(), e);
    }
  }
}
