package dev.vipd.daemon.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Refuses keys that vipd does not know, so that {@code garp-cuont = 5} is an error rather than a
 * silently ignored line. The known keys are those of {@code reference.conf}; pools and health
 * checks have their own key sets, and label maps take any key.
 */
final class KeyChecker {

  /** Objects whose keys are the operator's (label names), not vipd's. */
  private static final Set<String> USER_MAPS =
      Set.of("vipd.node.labels", "vipd.defaults.pool.node-selector");

  /** Keys a pool must have on top of the optional ones in {@code vipd.defaults.pool}. */
  static final Set<String> POOL_REQUIRED = Set.of("name", "interface", "addresses");

  /** Keys of each health-check type on top of the timing keys. */
  static final Map<String, Set<String>> CHECK_KEYS =
      Map.of(
          "tcp", Set.of("host", "port"),
          "http", Set.of("url", "expect-status"),
          "exec", Set.of("command"));

  static final Set<String> CHECK_COMMON = Set.of("type", "interval", "timeout", "rise", "fall");

  private final ConfigObject reference;
  private final Problems problems;

  /** @param reference the {@code vipd} object of {@code reference.conf} */
  KeyChecker(ConfigObject reference, Problems problems) {
    this.reference = reference;
    this.problems = problems;
  }

  /** Checks every key of the merged {@code vipd} object. */
  void check(ConfigObject vipd) {
    walk(vipd, reference, "vipd");
  }

  private void walk(ConfigObject object, ConfigObject known, String path) {
    for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
      String key = entry.getKey();
      ConfigValue value = entry.getValue();
      String keyPath = path + "." + key;
      if (!known.containsKey(key)) {
        unknown(value, keyPath, key, known.keySet());
        continue;
      }
      if (USER_MAPS.contains(keyPath)) {
        continue;
      }
      if (keyPath.equals("vipd.pools") && value.valueType() == ConfigValueType.LIST) {
        checkPools((ConfigList) value);
      } else if (keyPath.equals("vipd.health-checks")
          && value.valueType() == ConfigValueType.OBJECT) {
        for (Map.Entry<String, ConfigValue> check : ((ConfigObject) value).entrySet()) {
          checkHealthCheck(check.getValue(), keyPath + "." + check.getKey());
        }
      } else if (value.valueType() == ConfigValueType.OBJECT
          && known.get(key).valueType() == ConfigValueType.OBJECT) {
        walk((ConfigObject) value, (ConfigObject) known.get(key), keyPath);
      }
    }
  }

  private void checkPools(ConfigList pools) {
    Set<String> allowed = new TreeSet<>(POOL_REQUIRED);
    allowed.addAll(((ConfigObject) reference.toConfig().getValue("defaults.pool")).keySet());
    for (int i = 0; i < pools.size(); i++) {
      if (pools.get(i).valueType() == ConfigValueType.OBJECT) {
        ConfigObject pool = (ConfigObject) pools.get(i);
        checkKeys(pool, allowed, "vipd.pools[" + i + "]");
        for (String block : List.of("announce", "wire-check")) {
          ConfigValue nested = pool.get(block);
          if (nested != null && nested.valueType() == ConfigValueType.OBJECT) {
            walk((ConfigObject) nested, (ConfigObject) reference.toConfig()
                .getValue("defaults.pool." + block), "vipd.pools[" + i + "]." + block);
          }
        }
      }
    }
  }

  private void checkHealthCheck(ConfigValue check, String path) {
    if (check.valueType() != ConfigValueType.OBJECT) {
      return;
    }
    ConfigObject object = (ConfigObject) check;
    Set<String> allowed = new TreeSet<>(CHECK_COMMON);
    ConfigValue type = object.get("type");
    if (type == null || !CHECK_KEYS.containsKey(String.valueOf(type.unwrapped()))) {
      // The binder reports the type; without one the type's own keys cannot be judged.
      CHECK_KEYS.values().forEach(allowed::addAll);
    } else {
      allowed.addAll(CHECK_KEYS.get(String.valueOf(type.unwrapped())));
    }
    checkKeys(object, allowed, path);
  }

  private void checkKeys(ConfigObject object, Set<String> allowed, String path) {
    for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
      if (!allowed.contains(entry.getKey())) {
        unknown(entry.getValue(), path + "." + entry.getKey(), entry.getKey(), allowed);
      }
    }
  }

  private void unknown(ConfigValue value, String keyPath, String key, Collection<String> known) {
    String nearest = nearest(key, known);
    String hint = nearest == null ? "" : " (did you mean " + nearest + "?)";
    problems.add(value.origin(), keyPath, "unknown key" + hint);
  }

  /** The known key closest to {@code key}, if it is close enough to be a typo. */
  static String nearest(String key, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : new TreeSet<>(known)) {
      int distance = distance(key, candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    int allowed = Math.min(2, Math.max(1, key.length() / 4));
    return bestDistance <= allowed ? best : null;
  }

  /** Edit distance counting a swap of two neighbouring characters as one edit (OSA). */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
