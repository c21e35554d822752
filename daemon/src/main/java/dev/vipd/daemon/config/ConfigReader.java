package dev.vipd.daemon.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Typed reads from one HOCON object that record a problem instead of throwing. Every getter
 * returns {@code null} when the value is missing or wrong, after recording why, so that a load
 * goes on and reports every problem of the file.
 */
final class ConfigReader {

  private final Config config;
  private final String prefix;
  private final ConfigOrigin objectOrigin;
  private final Problems problems;

  /**
   * @param prefix the key path of {@code config} in the file, for messages ({@code vipd.pools[0]})
   * @param objectOrigin where the object starts, for "missing key" problems
   */
  ConfigReader(Config config, String prefix, ConfigOrigin objectOrigin, Problems problems) {
    this.config = config;
    this.prefix = prefix;
    this.objectOrigin = objectOrigin;
    this.problems = problems;
  }

  String path(String key) {
    return prefix + "." + key;
  }

  Problems problems() {
    return problems;
  }

  boolean isSet(String key) {
    return config.hasPath(key);
  }

  /** The raw value, or {@code null} (and a problem) when missing. */
  ConfigValue value(String key) {
    if (!config.hasPath(key)) {
      problems.add(objectOrigin, path(key), "missing (required)");
      return null;
    }
    ConfigValue value = config.getValue(key);
    problems.seen(path(key), value.origin());
    return value;
  }

  void problem(String key, String message) {
    ConfigOrigin origin = config.hasPath(key) ? config.getValue(key).origin() : objectOrigin;
    problems.add(origin, path(key), message);
  }

  /**
   * A problem about {@code key}, placed at {@code key}'s line, or at {@code cause}'s line when
   * {@code key} is left at its default (the line that made the default wrong).
   */
  void problem(String key, String cause, String message) {
    SourceLine where = problems.originOf(path(key));
    problems.add(where.line() > 0 ? where : problems.originOf(path(cause)), path(key), message);
  }

  String string(String key) {
    ConfigValue value = value(key);
    if (value == null) {
      return null;
    }
    if (!isScalar(value)) {
      return wrongType(key, value, "a string");
    }
    return String.valueOf(value.unwrapped());
  }

  /** A string that must not be empty or blank. */
  String nonEmptyString(String key) {
    String text = string(key);
    if (text != null && text.isBlank()) {
      problem(key, "must not be empty");
      return null;
    }
    return text;
  }

  Boolean bool(String key) {
    ConfigValue value = value(key);
    if (value == null) {
      return null;
    }
    try {
      return config.getBoolean(key);
    } catch (com.typesafe.config.ConfigException e) {
      return wrongType(key, value, "a boolean (true or false)");
    }
  }

  Integer integer(String key, int min, int max) {
    ConfigValue value = value(key);
    if (value == null) {
      return null;
    }
    long number;
    try {
      number = config.getLong(key);
    } catch (com.typesafe.config.ConfigException e) {
      return wrongType(key, value, "a whole number");
    }
    if (value.valueType() == ConfigValueType.NUMBER
        && !(value.unwrapped() instanceof Integer || value.unwrapped() instanceof Long)) {
      return wrongType(key, value, "a whole number");
    }
    if (number < min || number > max) {
      problem(key, "out of range: " + number + " (expected: " + min + "-" + max + ")");
      return null;
    }
    return (int) number;
  }

  /** A duration written with a unit ({@code 500ms}); a bare number is refused as ambiguous. */
  Duration duration(String key, Duration min, Duration max) {
    ConfigValue value = value(key);
    if (value == null) {
      return null;
    }
    Duration duration = null;
    if (value.valueType() == ConfigValueType.STRING) {
      try {
        duration = config.getDuration(key);
      } catch (com.typesafe.config.ConfigException e) {
        duration = null;
      }
    }
    if (duration == null) {
      problem(key, "invalid duration: " + render(value)
          + " (expected a number with a unit, such as 500ms or 2s)");
      return null;
    }
    if (duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
      problem(key, "out of range: " + format(duration)
          + " (expected: " + format(min) + "-" + format(max) + ")");
      return null;
    }
    return duration;
  }

  /** A list of strings; each element's origin is recorded as {@code key[i]}. */
  List<String> strings(String key) {
    ConfigValue value = value(key);
    if (value == null) {
      return null;
    }
    if (value.valueType() != ConfigValueType.LIST) {
      return wrongType(key, value, "a list");
    }
    List<String> out = new ArrayList<>();
    boolean ok = true;
    ConfigList list = (ConfigList) value;
    for (int i = 0; i < list.size(); i++) {
      ConfigValue element = list.get(i);
      String elementPath = path(key) + "[" + i + "]";
      problems.seen(elementPath, element.origin());
      if (!isScalar(element)) {
        problems.add(element.origin(), elementPath, "expected a string, got " + describe(element));
        ok = false;
      } else {
        out.add(String.valueOf(element.unwrapped()));
      }
    }
    return ok ? out : null;
  }

  /** An object of string values ({@code labels { rack = "r1" }}), in file order. */
  Map<String, String> stringMap(String key) {
    ConfigValue value = value(key);
    if (value == null) {
      return null;
    }
    if (value.valueType() != ConfigValueType.OBJECT) {
      return wrongType(key, value, "an object of key = \"value\"");
    }
    Map<String, String> out = new LinkedHashMap<>();
    boolean ok = true;
    for (Map.Entry<String, ConfigValue> entry : ((ConfigObject) value).entrySet()) {
      ConfigValue element = entry.getValue();
      String elementPath = path(key) + "." + entry.getKey();
      if (!isScalar(element)) {
        problems.add(element.origin(), elementPath, "expected a string, got " + describe(element));
        ok = false;
      } else {
        out.put(entry.getKey(), String.valueOf(element.unwrapped()));
      }
    }
    return ok ? out : null;
  }

  /** An enum written in lower case with dashes: {@code route-local} is {@code ROUTE_LOCAL}. */
  <E extends Enum<E>> E enumValue(String key, Class<E> type) {
    String text = string(key);
    if (text == null) {
      return null;
    }
    List<String> names = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      String name = constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
      if (name.equals(text)) {
        return constant;
      }
      names.add(name);
    }
    problem(key, "invalid value: " + text + " (expected: " + String.join(" | ", names) + ")");
    return null;
  }

  private <T> T wrongType(String key, ConfigValue value, String expected) {
    problem(key, "expected " + expected + ", got " + describe(value));
    return null;
  }

  private static boolean isScalar(ConfigValue value) {
    ConfigValueType type = value.valueType();
    return type == ConfigValueType.STRING
        || type == ConfigValueType.NUMBER
        || type == ConfigValueType.BOOLEAN;
  }

  static String describe(ConfigValue value) {
    switch (value.valueType()) {
      case OBJECT:
        return "an object";
      case LIST:
        return "a list";
      case NULL:
        return "null";
      default:
        return render(value);
    }
  }

  static String render(ConfigValue value) {
    return value.render(ConfigRenderOptions.concise());
  }

  /** {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}: the largest unit that is exact. */
  static String format(Duration duration) {
    long millis = duration.toMillis();
    if (millis == 0 || millis % 1000 != 0) {
      return millis + "ms";
    }
    long seconds = millis / 1000;
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    if (seconds % 60 == 0) {
      return seconds / 60 + "m";
    }
    return seconds + "s";
  }
}
