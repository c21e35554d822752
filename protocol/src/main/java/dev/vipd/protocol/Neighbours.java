package dev.vipd.protocol;

import dev.vipd.protocol.wire.InetAddresses;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The MACs of one interface's unicast targets (the routers and gateways that get a unicast ARP
 * reply or Neighbor Advertisement on takeover and refresh), learned from the frames they send:
 * the sender of any ARP frame, the source of a Neighbor Solicitation, the target of a Neighbor
 * Advertisement.
 *
 * <p>Few entries by design (a pool lists a handful of targets), so a lookup is a scan of arrays:
 * the receive path ({@link #learnIpv4}, {@link #learnIpv6}) allocates nothing. A frame can claim
 * any address, so a MAC learned here is as trustworthy as the kernel's own neighbour cache.
 */
public final class Neighbours {
  /** The MAC of a target nothing has been heard from yet. */
  public static final long UNKNOWN = -1L;

  /** Immutable address arrays with a mutable MAC per slot (replaced whole by {@link #watch}). */
  private record Table(InetAddress[] addresses, int[] v4, long[] hi, long[] lo,
      AtomicLongArray macs) {}

  private volatile Table table = new Table(new InetAddress[0], new int[0], new long[0],
      new long[0], new AtomicLongArray(0));

  /**
   * Watches exactly {@code targets} from now on; the MACs already learned for the ones that stay
   * are kept.
   */
  public synchronized void watch(Collection<? extends InetAddress> targets) {
    List<InetAddress> list = new ArrayList<>(new LinkedHashSet<>(targets));
    Table old = table;
    int n = list.size();
    Table next = new Table(list.toArray(InetAddress[]::new), new int[n], new long[n], new long[n],
        new AtomicLongArray(n));
    for (int i = 0; i < n; i++) {
      InetAddress a = list.get(i);
      if (a instanceof Inet4Address v4) {
        next.v4[i] = InetAddresses.toInt(v4);
      } else {
        next.hi[i] = InetAddresses.high((Inet6Address) a);
        next.lo[i] = InetAddresses.low((Inet6Address) a);
      }
      next.macs.set(i, macIn(old, a));
    }
    table = next;
  }

  /** Whether nothing is watched (the receive path then skips learning altogether). */
  public boolean isEmpty() {
    return table.addresses.length == 0;
  }

  /** The watched addresses. */
  public List<InetAddress> watched() {
    return List.of(table.addresses);
  }

  /** The MAC last heard from {@code target}, or {@link #UNKNOWN}. */
  public long mac(InetAddress target) {
    return macIn(table, target);
  }

  /** Records that {@code ip} (when watched) was last heard at {@code mac}. */
  void learnIpv4(int ip, long mac) {
    Table t = table;
    for (int i = 0; i < t.addresses.length; i++) {
      if (t.v4[i] == ip && t.addresses[i] instanceof Inet4Address) {
        t.macs.set(i, mac);
      }
    }
  }

  /** Records that {@code hi:lo} (when watched) was last heard at {@code mac}. */
  void learnIpv6(long hi, long lo, long mac) {
    if (mac < 0) {
      return;
    }
    Table t = table;
    for (int i = 0; i < t.addresses.length; i++) {
      if (t.hi[i] == hi && t.lo[i] == lo && t.addresses[i] instanceof Inet6Address) {
        t.macs.set(i, mac);
      }
    }
  }

  private static long macIn(Table t, InetAddress target) {
    for (int i = 0; i < t.addresses.length; i++) {
      if (t.addresses[i].equals(target)) {
        return t.macs.get(i);
      }
    }
    return UNKNOWN;
  }
}
