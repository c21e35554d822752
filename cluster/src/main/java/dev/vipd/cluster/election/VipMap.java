package dev.vipd.cluster.election;

import java.net.InetAddress;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable map from VIP to owner that keeps its insertion order and finds keys through {@link
 * AddressKey}, so that IPv6 VIP ranges (whose {@code hashCode()} values collide by the thousand)
 * cost no more than IPv4 ones. Equality and hash code are those of any {@link Map}.
 */
final class VipMap extends AbstractMap<InetAddress, Ownership> {
  private final InetAddress[] keys;
  private final Ownership[] values;
  private final Map<AddressKey, Integer> index;

  private VipMap(List<InetAddress> keys, List<Ownership> values) {
    this.keys = keys.toArray(new InetAddress[0]);
    this.values = values.toArray(new Ownership[0]);
    this.index = new HashMap<>(this.keys.length * 2);
    for (int i = 0; i < this.keys.length; i++) {
      if (index.put(AddressKey.of(this.keys[i]), i) != null) {
        throw new IllegalArgumentException("duplicate VIP: " + this.keys[i].getHostAddress());
      }
    }
  }

  /** Builds a map from parallel lists of distinct, non-null VIPs and owners. */
  static VipMap of(List<InetAddress> keys, List<Ownership> values) {
    return new VipMap(keys, values);
  }

  /** {@code map} itself when it is already a {@code VipMap}, else an immutable copy. */
  static VipMap copyOf(Map<InetAddress, Ownership> map) {
    if (map instanceof VipMap vipMap) {
      return vipMap;
    }
    List<InetAddress> keys = new java.util.ArrayList<>(map.size());
    List<Ownership> values = new java.util.ArrayList<>(map.size());
    map.forEach(
        (vip, owner) -> {
          keys.add(Objects.requireNonNull(vip, "VIP"));
          values.add(Objects.requireNonNull(owner, "owner of " + vip.getHostAddress()));
        });
    return new VipMap(keys, values);
  }

  @Override
  public int size() {
    return keys.length;
  }

  @Override
  public boolean containsKey(Object key) {
    return position(key) >= 0;
  }

  @Override
  public Ownership get(Object key) {
    int at = position(key);
    return at < 0 ? null : values[at];
  }

  private int position(Object key) {
    if (!(key instanceof InetAddress vip)) {
      return -1;
    }
    Integer at = index.get(AddressKey.of(vip));
    return at == null ? -1 : at;
  }

  @Override
  public Set<Entry<InetAddress, Ownership>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return keys.length;
      }

      @Override
      public Iterator<Entry<InetAddress, Ownership>> iterator() {
        return new Iterator<>() {
          private int next;

          @Override
          public boolean hasNext() {
            return next < keys.length;
          }

          @Override
          public Entry<InetAddress, Ownership> next() {
            if (next >= keys.length) {
              throw new NoSuchElementException();
            }
            int at = next++;
            return new SimpleImmutableEntry<>(keys[at], values[at]);
          }
        };
      }
    };
  }
}
