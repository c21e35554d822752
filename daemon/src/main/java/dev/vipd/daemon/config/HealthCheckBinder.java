package dev.vipd.daemon.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.vipd.daemon.health.HealthCheckSpec;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Binds {@code vipd.health-checks} to {@link HealthCheckSpec}s, the health monitor's own type. */
final class HealthCheckBinder {

  static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
  private static final Pattern STATUS = Pattern.compile("([0-9]{3})(?:-([0-9]{3}))?");

  private final Problems problems;
  private final Config defaults;

  /** @param defaults the {@code vipd.defaults.health-check} object */
  HealthCheckBinder(Problems problems, Config defaults) {
    this.problems = problems;
    this.defaults = defaults;
  }

  /** Every well-formed check by name, in file order. Broken ones are left out, with problems. */
  Map<String, HealthCheckSpec> bind(ConfigReader vipd) {
    Map<String, HealthCheckSpec> out = new LinkedHashMap<>();
    ConfigValue value = vipd.value("health-checks");
    if (value == null) {
      return out;
    }
    if (value.valueType() != ConfigValueType.OBJECT) {
      vipd.problem("health-checks", "expected an object of named checks, got "
          + ConfigReader.describe(value));
      return out;
    }
    // HOCON objects keep no order; the file's order is the order of the lines.
    List<Map.Entry<String, ConfigValue>> entries =
        new ArrayList<>(((ConfigObject) value).entrySet());
    entries.sort(Comparator.comparingInt((Map.Entry<String, ConfigValue> e) ->
            e.getValue().origin().lineNumber())
        .thenComparing(Map.Entry::getKey));
    for (Map.Entry<String, ConfigValue> entry : entries) {
      String name = entry.getKey();
      String path = "vipd.health-checks." + name;
      ConfigValue check = entry.getValue();
      if (!NAME.matcher(name).matches()) {
        problems.add(check.origin(), path, "invalid health-check name: " + name
            + " (expected letters, digits, '.', '_', '-')");
      }
      if (check.valueType() != ConfigValueType.OBJECT) {
        problems.add(check.origin(), path, "expected an object, got "
            + ConfigReader.describe(check));
        continue;
      }
      Config merged = ((ConfigObject) check).toConfig().withFallback(defaults);
      HealthCheckSpec bound = bindOne(name, new ConfigReader(merged, path, check.origin(),
          problems));
      if (bound != null) {
        out.put(name, bound);
      }
    }
    return out;
  }

  private HealthCheckSpec bindOne(String name, ConfigReader r) {
    int before = problems.count();
    Duration interval = r.duration("interval", Duration.ofMillis(100), Duration.ofHours(1));
    Duration timeout = r.duration("timeout", Duration.ofMillis(10), Duration.ofHours(1));
    Integer rise = r.integer("rise", 1, 100);
    Integer fall = r.integer("fall", 1, 100);
    if (interval != null && timeout != null && timeout.compareTo(interval) >= 0) {
      r.problem("timeout", "must be shorter than interval: " + ConfigReader.format(timeout)
          + " >= " + ConfigReader.format(interval));
    }
    String type = r.string("type");
    HealthCheckSpec.Timing timing =
        problems.count() > before ? null : new HealthCheckSpec.Timing(interval, timeout, rise, fall);
    if (type == null) {
      return null;
    }
    switch (type) {
      case "tcp":
        return tcp(name, r, timing);
      case "http":
        return http(name, r, timing);
      case "exec":
        return exec(name, r, timing);
      default:
        r.problem("type", "invalid value: " + type + " (expected: tcp | http | exec)");
        return null;
    }
  }

  private HealthCheckSpec tcp(String name, ConfigReader r, HealthCheckSpec.Timing timing) {
    String host = r.nonEmptyString("host");
    Integer port = r.integer("port", 1, 65535);
    if (timing == null || host == null || port == null) {
      return null;
    }
    return new HealthCheckSpec.Tcp(name, host, port, timing);
  }

  private HealthCheckSpec http(String name, ConfigReader r, HealthCheckSpec.Timing timing) {
    String url = r.nonEmptyString("url");
    if (url != null && !isHttpUrl(url)) {
      r.problem("url", "invalid url: " + url + " (expected http://host[:port]/path)");
      url = null;
    }
    String status = r.string("expect-status");
    int[] range = status == null ? null : statusRange(status);
    if (status != null && range == null) {
      r.problem("expect-status", "invalid status: " + status
          + " (expected a code or a range such as 200-399, within 100-599)");
    }
    if (timing == null || url == null || range == null) {
      return null;
    }
    return new HealthCheckSpec.Http(name, URI.create(url), range[0], range[1], timing);
  }

  private HealthCheckSpec exec(String name, ConfigReader r, HealthCheckSpec.Timing timing) {
    List<String> command = r.strings("command");
    if (command != null && !ConfigPaths.isArgv(command)) {
      r.problem("command", "invalid command: " + command
          + " (expected [\"/absolute/program\", \"arg\", ...])");
      command = null;
    }
    if (timing == null || command == null) {
      return null;
    }
    return new HealthCheckSpec.Exec(name, command, timing);
  }

  private static boolean isHttpUrl(String url) {
    try {
      URI uri = new URI(url);
      return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** {@code "200"} or {@code "200-399"} as {@code [min, max]}, or {@code null}. */
  static int[] statusRange(String text) {
    Matcher m = STATUS.matcher(text.trim());
    if (!m.matches()) {
      return null;
    }
    int min = Integer.parseInt(m.group(1));
    int max = m.group(2) == null ? min : Integer.parseInt(m.group(2));
    return min >= 100 && max <= 599 && min <= max ? new int[] {min, max} : null;
  }
}
