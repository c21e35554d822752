package dev.vipd.daemon;

import java.net.InetAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The ownership events waiting for the data plane's thread. Callers (the cluster thread) only
 * take this object's lock, which is never held across a syscall or a command; the data plane's
 * thread takes everything queued as one {@link Batch}. Thread-safe.
 */
final class VipQueue {
  /**
   * One batch: VIPs to release and to acquire (each to its interface, in arrival order), and
   * every VIP whose latest event is an acquire.
   */
  record Batch(
      Map<InetAddress, String> release, Map<InetAddress, String> acquire, Set<InetAddress> wanted) {}

  /** VIP to its interface, for VIPs whose latest event is an acquire. */
  private final Map<InetAddress, String> wanted = new HashMap<>();
  private final Map<InetAddress, String> toAcquire = new LinkedHashMap<>();
  private final Map<InetAddress, String> toRelease = new LinkedHashMap<>();
  private boolean scheduled;

  /** Queues an acquire; true when the caller must schedule a {@link #take()}. */
  synchronized boolean acquire(String interfaceName, InetAddress vip) {
    wanted.put(vip, interfaceName);
    toAcquire.put(vip, interfaceName);
    return schedule();
  }

  /** Queues a release; a queued acquire of the same VIP is dropped. */
  synchronized boolean release(String interfaceName, InetAddress vip) {
    wanted.remove(vip);
    toAcquire.remove(vip);
    toRelease.put(vip, interfaceName);
    return schedule();
  }

  /** Queues another attempt for those of {@code vips} still wanted. */
  synchronized boolean retry(Collection<InetAddress> vips) {
    boolean any = false;
    for (InetAddress vip : vips) {
      String name = wanted.get(vip);
      if (name != null) {
        toAcquire.put(vip, name);
        any = true;
      }
    }
    return any && schedule();
  }

  /** Everything queued, as one batch; the queue is empty afterwards. */
  synchronized Batch take() {
    scheduled = false;
    Map<InetAddress, String> release = new LinkedHashMap<>(toRelease);
    Map<InetAddress, String> acquire = new LinkedHashMap<>(toAcquire);
    toRelease.clear();
    toAcquire.clear();
    // Released and acquired again on the same interface: keep answering, announce again.
    release.entrySet().removeIf(e -> e.getValue().equals(wanted.get(e.getKey())));
    return new Batch(release, acquire, Set.copyOf(wanted.keySet()));
  }

  /** The VIPs whose latest event is an acquire. */
  synchronized Set<InetAddress> wanted() {
    return Set.copyOf(wanted.keySet());
  }

  private boolean schedule() {
    if (scheduled) {
      return false;
    }
    scheduled = true;
    return true;
  }
}
