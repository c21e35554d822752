package dev.vipd.daemon.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Binds {@code vipd.pools} to {@link PoolConfig}s: expands every address entry, and refuses a VIP
 * that appears twice (in one pool or two), naming both places.
 */
final class PoolBinder {

  /** Where a VIP was first seen: its pool and the entry that produced it. */
  private record Claim(String pool, String entryPath, SourceLine where) {}

  /** A handful of gateways or routers; every announcement costs one frame per target. */
  static final int MAX_UNICAST_TARGETS = 16;

  private final Problems problems;
  private final Config defaults;
  private final Set<String> healthChecks;
  private final Map<InetAddress, Claim> claims = new HashMap<>();
  private final Map<String, String> poolNames = new HashMap<>();

  /**
   * @param defaults the {@code vipd.defaults.pool} object
   * @param healthChecks names of the health checks defined in the file, valid or not
   */
  PoolBinder(Problems problems, Config defaults, Set<String> healthChecks) {
    this.problems = problems;
    this.defaults = defaults;
    this.healthChecks = healthChecks;
  }

  List<PoolConfig> bind(ConfigReader vipd) {
    List<PoolConfig> out = new ArrayList<>();
    ConfigValue value = vipd.value("pools");
    if (value == null) {
      return out;
    }
    if (value.valueType() != ConfigValueType.LIST) {
      vipd.problem("pools", "expected a list of pools, got " + ConfigReader.describe(value));
      return out;
    }
    ConfigList pools = (ConfigList) value;
    for (int i = 0; i < pools.size(); i++) {
      ConfigValue pool = pools.get(i);
      String path = "vipd.pools[" + i + "]";
      if (pool.valueType() != ConfigValueType.OBJECT) {
        problems.add(pool.origin(), path, "expected a pool object, got "
            + ConfigReader.describe(pool));
        continue;
      }
      Config merged = ((ConfigObject) pool).toConfig().withFallback(defaults);
      PoolConfig bound = bindOne(new ConfigReader(merged, path, pool.origin(), problems));
      if (bound != null) {
        out.add(bound);
      }
    }
    return out;
  }

  private PoolConfig bindOne(ConfigReader r) {
    int before = problems.count();
    String name = r.nonEmptyString("name");
    if (name != null && !HealthCheckBinder.NAME.matcher(name).matches()) {
      r.problem("name",
          "invalid pool name: " + name + " (expected letters, digits, '.', '_', '-')");
    } else if (name != null && poolNames.putIfAbsent(name, r.path("name")) != null) {
      r.problem("name", "duplicate pool name: " + name + " (also " + poolNames.get(name) + ")");
    }
    String interfaceName = r.nonEmptyString("interface");
    if (interfaceName != null && !ConfigPaths.isInterfaceName(interfaceName)) {
      r.problem("interface", "invalid interface name: " + interfaceName
          + " (expected at most 15 characters, no '/', ':' or spaces)");
    }
    List<InetAddress> addresses = addresses(r, name);
    Map<String, String> selector = r.stringMap("node-selector");
    List<String> preferred = r.strings("preferred-nodes");
    if (preferred != null) {
      Map<String, Integer> seen = new HashMap<>();
      for (int i = 0; i < preferred.size(); i++) {
        String path = r.path("preferred-nodes") + "[" + i + "]";
        Integer first = seen.putIfAbsent(preferred.get(i), i);
        if (preferred.get(i).isBlank()) {
          problems.add(problems.originOf(path), path, "must not be empty");
        } else if (first != null) {
          // The election's pool refuses duplicates; refuse them here, with the line, instead.
          problems.add(problems.originOf(path), path, "duplicate preferred node: "
              + preferred.get(i) + " (also " + r.path("preferred-nodes") + "[" + first + "])");
        }
      }
    }
    Boolean preempt = r.bool("preempt");
    Duration preemptDelay = r.duration("preempt-delay", Duration.ZERO, Duration.ofHours(1));
    List<String> checks = checkNames(r);
    List<InetAddress> targets = unicastTargets(r);
    WireCheckConfig wire = WireCheckBinder.bind(r);
    if (problems.count() > before) {
      return null;
    }
    return new PoolConfig(name, interfaceName, addresses, selector, preferred, preempt,
        preemptDelay, checks, targets, wire);
  }

  /**
   * The pool's {@code announce.unicast-targets}: IP literals of neighbours (gateways, routers),
   * unicast, not a VIP, no duplicates, at most {@value #MAX_UNICAST_TARGETS}.
   */
  private List<InetAddress> unicastTargets(ConfigReader r) {
    String key = "announce.unicast-targets";
    List<String> literals = r.strings(key);
    if (literals == null) {
      return null;
    }
    if (literals.size() > MAX_UNICAST_TARGETS) {
      r.problem(key, literals.size() + " unicast targets (expected: at most "
          + MAX_UNICAST_TARGETS + ")");
      return null;
    }
    List<InetAddress> out = new ArrayList<>();
    for (int i = 0; i < literals.size(); i++) {
      String path = r.path(key) + "[" + i + "]";
      InetAddress a = IpLiterals.parse(literals.get(i));
      String why = targetProblem(a, literals.get(i), out);
      if (why != null) {
        problems.add(problems.originOf(path), path, why);
      } else {
        out.add(a);
      }
    }
    return out;
  }

  /** What is wrong with unicast target {@code a} (written {@code literal}), or null. */
  private String targetProblem(InetAddress a, String literal, List<InetAddress> earlier) {
    if (a == null) {
      return "not an IP literal: " + literal;
    }
    boolean v4LinkLocalOrBroadcast = a instanceof Inet4Address
        && (a.isLinkLocalAddress() || IpLiterals.format(a).equals("255.255.255.255"));
    if (a.isAnyLocalAddress() || a.isMulticastAddress() || a.isLoopbackAddress()
        || v4LinkLocalOrBroadcast) {
      return "not a unicast neighbour address: " + literal;
    }
    if (earlier.contains(a)) {
      return "duplicate unicast target: " + literal;
    }
    Claim vip = claims.get(a);
    return vip == null ? null : "unicast target " + literal + " is a VIP of pool " + vip.pool();
  }

  /** The pool's health-check names; each must name a check defined in the file. */
  private List<String> checkNames(ConfigReader r) {
    List<String> checks = r.strings("health-checks");
    if (checks == null) {
      return null;
    }
    String defined = healthChecks.isEmpty()
        ? "none" : String.join(", ", healthChecks.stream().sorted().toList());
    for (int i = 0; i < checks.size(); i++) {
      if (!healthChecks.contains(checks.get(i))) {
        String path = r.path("health-checks") + "[" + i + "]";
        problems.add(problems.originOf(path), path,
            "unknown health check: " + checks.get(i) + " (defined: " + defined + ")");
      }
    }
    return checks;
  }

  private List<InetAddress> addresses(ConfigReader r, String pool) {
    List<String> entries = r.strings("addresses");
    if (entries == null) {
      return null;
    }
    if (entries.isEmpty()) {
      r.problem("addresses", "empty pool: no addresses");
      return null;
    }
    List<InetAddress> out = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      String entryPath = r.path("addresses") + "[" + i + "]";
      SourceLine where = problems.originOf(entryPath);
      List<InetAddress> expanded;
      try {
        expanded = VipAddresses.expand(entries.get(i));
      } catch (IllegalArgumentException e) {
        problems.add(where, entryPath, e.getMessage());
        continue;
      }
      InetAddress duplicate = null;
      Claim first = null;
      int duplicates = 0;
      for (InetAddress address : expanded) {
        Claim earlier = claims.putIfAbsent(address, new Claim(pool, entryPath, where));
        if (earlier == null) {
          out.add(address);
        } else if (duplicates++ == 0) {
          duplicate = address;
          first = earlier;
        }
      }
      if (duplicate != null) {
        String more = duplicates > 1 ? " and " + (duplicates - 1) + " more" : "";
        problems.add(where, entryPath, "duplicate VIP " + IpLiterals.format(duplicate) + more
            + ": already in pool " + first.pool() + " at " + first.entryPath()
            + (first.where().line() > 0 ? " (line " + first.where().line() + ")" : ""));
      }
    }
    return out;
  }
}
