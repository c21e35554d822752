package dev.vipd.daemon;

import dev.vipd.daemon.config.PoolConfig;
import dev.vipd.daemon.config.VipdConfig;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The configuration in force, and where each of its VIPs is served. One reference that a reload
 * replaces in one step, read by every component that needs the current pools: thread-safe.
 */
final class RunningConfig {

  /** Where a VIP is served under a configuration: its pool and that pool's interface. */
  record Place(String pool, String interfaceName) {
    Place {
      Objects.requireNonNull(pool, "pool");
      Objects.requireNonNull(interfaceName, "interfaceName");
    }
  }

  private record Snapshot(VipdConfig config, Map<InetAddress, Place> places) {}

  private volatile Snapshot current;

  RunningConfig(VipdConfig config) {
    set(config);
  }

  VipdConfig get() {
    return current.config();
  }

  /** Where {@code vip} is served now, or {@code null} if no pool of the running config has it. */
  Place placeOf(InetAddress vip) {
    return current.places().get(vip);
  }

  /** The interface {@code vip} is served on now, or {@code null}. */
  String interfaceOf(InetAddress vip) {
    Place p = placeOf(vip);
    return p == null ? null : p.interfaceName();
  }

  /** Puts {@code next} in force. */
  void set(VipdConfig next) {
    Map<InetAddress, Place> places = new HashMap<>();
    for (PoolConfig p : next.pools()) {
      Place place = new Place(p.name(), p.interfaceName());
      p.addresses().forEach(a -> places.put(a, place));
    }
    current = new Snapshot(next, Map.copyOf(places));
  }

  /** Every configured VIP by pool, for the per-VIP gauges. */
  Map<String, List<InetAddress>> vipsByPool() {
    Map<String, List<InetAddress>> vips = new LinkedHashMap<>();
    get().pools().forEach(p -> vips.put(p.name(), p.addresses()));
    return vips;
  }
}
