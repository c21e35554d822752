package dev.vipd.daemon.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides what a SIGHUP reload may do. Pools, health checks, announce settings and hooks change at
 * run time; the node's identity, the cluster, the HTTP endpoint and the local paths and bind mode
 * need a restart, and a file that changes them is refused by name while the running configuration
 * stays.
 */
public final class ConfigReload {

  private ConfigReload() {}

  /**
   * The plan to go from {@code running} to {@code next}, or a {@link ConfigException} naming every
   * key that cannot change without a restart.
   */
  public static ReloadPlan diff(VipdConfig running, VipdConfig next) throws ConfigException {
    List<ConfigProblem> refused = new ArrayList<>();
    Fixed fixed = new Fixed(running, next, refused);
    fixed.check("vipd.node.name", c -> c.node().name());
    fixed.check("vipd.node.labels", c -> c.node().labels());
    fixed.check("vipd.cluster.name", c -> c.cluster().name());
    fixed.check("vipd.cluster.bind", c -> c.cluster().bind());
    fixed.check("vipd.cluster.port", c -> c.cluster().port());
    fixed.check("vipd.cluster.beacon-port", c -> c.cluster().beaconPort());
    fixed.check("vipd.cluster.peers", c -> c.cluster().peers());
    fixed.check("vipd.cluster.secret-file", c -> c.cluster().secretFile());
    fixed.check("vipd.cluster.quorum", c -> c.cluster().quorum());
    fixed.check("vipd.cluster.expected-size", c -> c.cluster().expectedSize());
    fixed.check("vipd.cluster.failure-detection", c -> c.cluster().failureDetection().name());
    fixed.check("vipd.http.listen", ConfigReload::listen);
    fixed.check("vipd.control-socket", VipdConfig::controlSocket);
    fixed.check("vipd.drain-state-file", VipdConfig::drainStateFile);
    fixed.check("vipd.bind-mode", VipdConfig::bindMode);
    if (!refused.isEmpty()) {
      throw new ConfigException(refused);
    }
    return plan(running, next);
  }

  private static ReloadPlan plan(VipdConfig running, VipdConfig next) {
    Map<String, PoolConfig> before = byName(running.pools());
    Map<String, PoolConfig> after = byName(next.pools());
    List<PoolConfig> added = new ArrayList<>();
    List<ReloadPlan.PoolChange> changed = new ArrayList<>();
    for (PoolConfig pool : next.pools()) {
      PoolConfig old = before.get(pool.name());
      if (old == null) {
        added.add(pool);
      } else if (!old.equals(pool)) {
        changed.add(new ReloadPlan.PoolChange(old, pool,
            minus(pool.addresses(), old.addresses()),
            minus(old.addresses(), pool.addresses()),
            !sameSettings(old, pool)));
      }
    }
    List<PoolConfig> removed = new ArrayList<>();
    for (PoolConfig pool : running.pools()) {
      if (!after.containsKey(pool.name())) {
        removed.add(pool);
      }
    }
    Set<String> checkNames = new LinkedHashSet<>(running.healthChecks().keySet());
    checkNames.addAll(next.healthChecks().keySet());
    List<String> changedChecks = new ArrayList<>();
    for (String name : checkNames) {
      if (!Objects.equals(running.healthChecks().get(name), next.healthChecks().get(name))) {
        changedChecks.add(name);
      }
    }
    return new ReloadPlan(next, added, removed, changed, changedChecks,
        !running.announce().equals(next.announce()), !running.hooks().equals(next.hooks()));
  }

  private static boolean sameSettings(PoolConfig a, PoolConfig b) {
    return a.interfaceName().equals(b.interfaceName())
        && a.nodeSelector().equals(b.nodeSelector())
        && a.preferredNodes().equals(b.preferredNodes())
        && a.preempt() == b.preempt()
        && a.preemptDelay().equals(b.preemptDelay())
        && a.healthChecks().equals(b.healthChecks());
  }

  private static List<InetAddress> minus(List<InetAddress> from, List<InetAddress> without) {
    Set<InetAddress> drop = Set.copyOf(without);
    return from.stream().filter(a -> !drop.contains(a)).toList();
  }

  private static Map<String, PoolConfig> byName(List<PoolConfig> pools) {
    Map<String, PoolConfig> out = new LinkedHashMap<>();
    pools.forEach(p -> out.put(p.name(), p));
    return out;
  }

  private static String listen(VipdConfig config) {
    String host = IpLiterals.format(config.http().host());
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + config.http().port();
  }

  /** Compares restart-only keys and records a refusal for each one that differs. */
  private record Fixed(VipdConfig running, VipdConfig next, List<ConfigProblem> refused) {
    void check(String keyPath, Function<VipdConfig, Object> key) {
      Object was = key.apply(running);
      Object now = key.apply(next);
      if (!was.equals(now)) {
        refused.add(new ConfigProblem(next.originOf(keyPath), keyPath,
            "cannot change without a restart (running: " + show(was) + ", file: " + show(now)
                + ")"));
      }
    }

    private static String show(Object value) {
      if (value instanceof List<?> list) {
        return list.stream().map(Fixed::show).toList().toString();
      }
      return value instanceof InetAddress address ? IpLiterals.format(address) : value.toString();
    }
  }
}
