package dev.vipd.daemon;

import dev.vipd.daemon.config.PoolConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Which pools this node may not own right now, from its health checks and its links. A pool is
 * unhealthy while any of its checks is down, and link-down while its interface has no carrier.
 * Listeners hear only real changes of either set.
 */
final class Eligibility {
  private final Consumer<Set<String>> unhealthyListener;
  private final Consumer<Set<String>> linkDownListener;
  private List<PoolConfig> pools;
  private Set<String> unhealthy = Set.of();
  private Set<String> linkDown = Set.of();

  Eligibility(
      List<PoolConfig> pools,
      Consumer<Set<String>> unhealthyListener,
      Consumer<Set<String>> linkDownListener) {
    this.pools = List.copyOf(pools);
    this.unhealthyListener = unhealthyListener;
    this.linkDownListener = linkDownListener;
  }

  /** Recomputes both sets from the checks' states and the interfaces' carriers. */
  synchronized void update(Predicate<String> checkUp, Predicate<String> carrierUp) {
    Set<String> nextUnhealthy = new HashSet<>();
    Set<String> nextLinkDown = new HashSet<>();
    for (PoolConfig pool : pools) {
      if (!pool.healthChecks().stream().allMatch(checkUp)) {
        nextUnhealthy.add(pool.name());
      }
      if (!carrierUp.test(pool.interfaceName())) {
        nextLinkDown.add(pool.name());
      }
    }
    if (!nextUnhealthy.equals(unhealthy)) {
      unhealthy = Set.copyOf(nextUnhealthy);
      unhealthyListener.accept(unhealthy);
    }
    if (!nextLinkDown.equals(linkDown)) {
      linkDown = Set.copyOf(nextLinkDown);
      linkDownListener.accept(linkDown);
    }
  }

  /** New pools (config reload); the caller calls {@link #update} next. */
  synchronized void setPools(List<PoolConfig> next) {
    pools = List.copyOf(next);
  }

  synchronized Set<String> unhealthy() {
    return unhealthy;
  }

  synchronized Set<String> linkDown() {
    return linkDown;
  }

  /** For status output: pools per state. */
  synchronized Map<String, Set<String>> snapshot() {
    return Map.of("unhealthy", unhealthy, "link-down", linkDown);
  }
}
