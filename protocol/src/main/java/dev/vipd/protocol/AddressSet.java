package dev.vipd.protocol;

import dev.vipd.protocol.wire.InetAddresses;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * An immutable set of IPv4 and IPv6 addresses with allocation-free membership tests on primitive
 * values, for the receive path. Open addressing with linear probing over arrays sized to a load
 * factor of at most 0.5; replaced whole (copy on write) when the owned set changes.
 */
public final class AddressSet {
  /** The empty set. */
  public static final AddressSet EMPTY = new AddressSet(Set.of());

  private static final int FREE_V4 = 0; // 0.0.0.0 is never a VIP, so it marks a free slot

  private final Set<InetAddress> addresses;
  private final int[] v4;
  private final long[] v6; // pairs: hi, lo; a free slot is ::, never a VIP
  private final int v4Mask;
  private final int v6Mask;

  private AddressSet(Set<InetAddress> addresses) {
    this.addresses = Collections.unmodifiableSet(addresses);
    int n4 = 0;
    int n6 = 0;
    for (InetAddress a : addresses) {
      if (a instanceof Inet4Address) {
        n4++;
      } else {
        n6++;
      }
    }
    v4 = new int[tableSize(n4)];
    v6 = new long[2 * tableSize(n6)];
    v4Mask = v4.length - 1;
    v6Mask = v6.length / 2 - 1;
    for (InetAddress a : addresses) {
      if (a instanceof Inet4Address a4) {
        int ip = InetAddresses.toInt(a4);
        int i = mix(ip) & v4Mask;
        while (v4[i] != FREE_V4) {
          i = (i + 1) & v4Mask;
        }
        v4[i] = ip;
      } else {
        Inet6Address a6 = (Inet6Address) a;
        long hi = InetAddresses.high(a6);
        long lo = InetAddresses.low(a6);
        int i = mix(hi, lo) & v6Mask;
        while (v6[2 * i] != 0 || v6[2 * i + 1] != 0) {
          i = (i + 1) & v6Mask;
        }
        v6[2 * i] = hi;
        v6[2 * i + 1] = lo;
      }
    }
  }

  /** A set of the given addresses (IPv4 and IPv6; unspecified addresses are refused). */
  public static AddressSet of(Collection<? extends InetAddress> addresses) {
    LinkedHashSet<InetAddress> copy = new LinkedHashSet<>();
    for (InetAddress a : addresses) {
      if (a.isAnyLocalAddress() || a.isMulticastAddress()) {
        throw new IllegalArgumentException(
            "invalid virtual address: " + a.getHostAddress() + " (expected: unicast)");
      }
      copy.add(a);
    }
    return copy.isEmpty() ? EMPTY : new AddressSet(copy);
  }

  /** This set with {@code address} added. */
  public AddressSet with(InetAddress address) {
    if (addresses.contains(address)) {
      return this;
    }
    LinkedHashSet<InetAddress> copy = new LinkedHashSet<>(addresses);
    copy.add(address);
    return of(copy);
  }

  /** This set without {@code address}. */
  public AddressSet without(InetAddress address) {
    if (!addresses.contains(address)) {
      return this;
    }
    LinkedHashSet<InetAddress> copy = new LinkedHashSet<>(addresses);
    copy.remove(address);
    return of(copy);
  }

  /** This set with every one of {@code more} added: one copy, whatever the batch size. */
  public AddressSet withAll(Collection<? extends InetAddress> more) {
    if (addresses.containsAll(more)) {
      return this;
    }
    LinkedHashSet<InetAddress> copy = new LinkedHashSet<>(addresses);
    copy.addAll(more);
    return of(copy);
  }

  /** This set without any of {@code gone}: one copy, whatever the batch size. */
  public AddressSet withoutAll(Collection<? extends InetAddress> gone) {
    LinkedHashSet<InetAddress> copy = new LinkedHashSet<>(addresses);
    if (!copy.removeAll(Set.copyOf(gone))) {
      return this;
    }
    return of(copy);
  }

  public boolean containsIpv4(int ip) {
    if (ip == FREE_V4) {
      return false;
    }
    for (int i = mix(ip) & v4Mask; ; i = (i + 1) & v4Mask) {
      int slot = v4[i];
      if (slot == ip) {
        return true;
      }
      if (slot == FREE_V4) {
        return false;
      }
    }
  }

  public boolean containsIpv6(long hi, long lo) {
    if (hi == 0 && lo == 0) {
      return false;
    }
    for (int i = mix(hi, lo) & v6Mask; ; i = (i + 1) & v6Mask) {
      long h = v6[2 * i];
      long l = v6[2 * i + 1];
      if (h == hi && l == lo) {
        return true;
      }
      if (h == 0 && l == 0) {
        return false;
      }
    }
  }

  public boolean contains(InetAddress address) {
    return addresses.contains(address);
  }

  /** The addresses, in insertion order. */
  public Set<InetAddress> addresses() {
    return addresses;
  }

  /** The IPv4 addresses as primitive values (for kernel filters). */
  public int[] ipv4Values() {
    return addresses.stream()
        .filter(a -> a instanceof Inet4Address)
        .mapToInt(a -> InetAddresses.toInt((Inet4Address) a))
        .toArray();
  }

  /** The low 64 bits of the IPv6 addresses (for kernel filters). */
  public long[] ipv6LowValues() {
    return addresses.stream()
        .filter(a -> a instanceof Inet6Address)
        .mapToLong(a -> InetAddresses.low((Inet6Address) a))
        .toArray();
  }

  public boolean isEmpty() {
    return addresses.isEmpty();
  }

  public int size() {
    return addresses.size();
  }

  @Override
  public String toString() {
    return addresses.stream().map(InetAddress::getHostAddress).toList().toString();
  }

  private static int tableSize(int entries) {
    int size = 2;
    while (size < 2 * entries) {
      size <<= 1;
    }
    return size;
  }

  private static int mix(int x) {
    int h = x * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  private static int mix(long hi, long lo) {
    long h = (hi * 0x9E3779B97F4A7C15L) ^ lo;
    h *= 0xC2B2AE3D27D4EB4FL;
    return (int) (h ^ (h >>> 32));
  }
}
