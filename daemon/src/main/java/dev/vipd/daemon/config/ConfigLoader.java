package dev.vipd.daemon.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.vipd.daemon.health.HealthCheckSpec;
import dev.vipd.daemon.hooks.HookSpec;
import dev.vipd.protocol.AnnounceSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Reads vipd's HOCON file into a {@link VipdConfig}, or refuses it with every problem found.
 *
 * <p>The file is read on top of {@code reference.conf}; keys it does not know are refused, values
 * are checked for type and range, addresses are expanded and checked for duplicates across pools,
 * and the secret file's mode is checked. Nothing is applied here: a refused file changes nothing.
 * Interface existence is checked separately by {@link #checkInterfaces} because {@code vipd check}
 * may run on another host than the one the file is for.
 */
public final class ConfigLoader {

  private static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");

  private ConfigLoader() {}

  /** Loads {@code file}; a missing {@code vipd.node.name} becomes this host's name. */
  public static VipdConfig load(Path file) throws ConfigException {
    return load(file, ConfigLoader::systemHostname);
  }

  /** Loads {@code file}, taking the node name from {@code hostname} when the file has none. */
  public static VipdConfig load(Path file, Supplier<String> hostname) throws ConfigException {
    Problems problems = new Problems(file);
    Config merged;
    try {
      ConfigParseOptions options =
          ConfigParseOptions.defaults().setAllowMissing(false).setSyntax(ConfigSyntax.CONF);
      Config reference = ConfigFactory.defaultReference(ConfigLoader.class.getClassLoader());
      merged = ConfigFactory.parseFile(file.toFile(), options).withFallback(reference).resolve();
    } catch (com.typesafe.config.ConfigException e) {
      problems.add(problems.where(e.origin()), null, typesafeMessage(e));
      throw problems.exception();
    }
    ConfigValue root = merged.getValue("vipd");
    if (root.valueType() != ConfigValueType.OBJECT) {
      problems.add(root.origin(), "vipd", "expected an object, got " + ConfigReader.describe(root));
      throw problems.exception();
    }
    Config vipd = merged.getConfig("vipd");
    ConfigObject known = ConfigFactory.defaultReference(ConfigLoader.class.getClassLoader())
        .getObject("vipd");
    new KeyChecker(known, problems).check(vipd.root());
    VipdConfig config;
    try {
      config = bind(vipd, problems, hostname);
    } catch (com.typesafe.config.ConfigException e) {
      // A shape the binders did not foresee: still a problem in the file, never a crash.
      problems.add(problems.where(e.origin()), null, typesafeMessage(e));
      throw problems.exception();
    }
    if (problems.count() > 0) {
      throw problems.exception();
    }
    return config;
  }

  private static VipdConfig bind(Config vipd, Problems problems, Supplier<String> hostname) {
    SectionBinder sections = new SectionBinder(vipd, problems);
    ConfigReader top = new ConfigReader(vipd, "vipd", vipd.root().origin(), problems);
    NodeConfig node = sections.node(hostname);
    ClusterConfig cluster = sections.cluster();
    HealthCheckBinder checkBinder =
        new HealthCheckBinder(problems, section(vipd, "defaults.health-check", problems));
    Map<String, HealthCheckSpec> checks = checkBinder.bind(top);
    ConfigValue declared = vipd.getValue("health-checks");
    PoolBinder poolBinder = new PoolBinder(problems, section(vipd, "defaults.pool", problems),
        declared instanceof ConfigObject object ? object.keySet() : Set.of());
    List<PoolConfig> pools = poolBinder.bind(top);
    AnnounceSettings announce = sections.announce();
    BindMode bindMode = sections.bindMode();
    HttpConfig http = sections.http();
    Path controlSocket = sections.topLevelPath("control-socket");
    Path drainStateFile = sections.topLevelPath("drain-state-file");
    List<HookSpec> hooks = sections.hooks();
    if (problems.count() > 0) {
      return null;
    }
    return new VipdConfig(problems.file(), node, cluster, pools, checks, announce, bindMode, http,
        controlSocket, drainStateFile, hooks, problems.origins());
  }

  /**
   * {@code vipd.path} as a config, or an empty one (and a problem on the first part of the path
   * that is not an object).
   */
  private static Config section(Config vipd, String path, Problems problems) {
    String prefix = "";
    for (String part : path.split("\\.")) {
      prefix = prefix.isEmpty() ? part : prefix + "." + part;
      ConfigValue value = vipd.getValue(prefix);
      if (value.valueType() != ConfigValueType.OBJECT) {
        problems.add(value.origin(), "vipd." + prefix,
            "expected an object, got " + ConfigReader.describe(value));
        return ConfigFactory.empty();
      }
    }
    return vipd.getConfig(path);
  }

  /**
   * Refuses pools (and a cluster bind) on interfaces that do not exist on this host. Run by
   * {@code vipd run} before anything starts; {@code exists} is normally a lookup in the kernel's
   * interface list.
   */
  public static void checkInterfaces(VipdConfig config, Predicate<String> exists)
      throws ConfigException {
    List<ConfigProblem> problems = new ArrayList<>();
    for (int i = 0; i < config.pools().size(); i++) {
      PoolConfig pool = config.pools().get(i);
      if (!exists.test(pool.interfaceName())) {
        String path = "vipd.pools[" + i + "].interface";
        problems.add(new ConfigProblem(config.originOf(path), path,
            "no such interface: " + pool.interfaceName() + " (pool " + pool.name() + ")"));
      }
    }
    String bind = config.cluster().bind();
    if (IpLiterals.parse(bind) == null && !exists.test(bind)) {
      problems.add(new ConfigProblem(config.originOf("vipd.cluster.bind"), "vipd.cluster.bind",
          "no such interface: " + bind));
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  /** This host's name as the kernel has it (no DNS), or {@code null} if it cannot be read. */
  static String systemHostname() {
    try {
      String name = Files.readString(KERNEL_HOSTNAME, StandardCharsets.US_ASCII).trim();
      if (!name.isEmpty()) {
        return name;
      }
    } catch (IOException e) {
      // Not Linux, or /proc not mounted: fall back to the JDK's view below.
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return null;
    }
  }

  /** Typesafe's message without the origin prefix it repeats ({@code "file: 3: "}). */
  private static String typesafeMessage(com.typesafe.config.ConfigException e) {
    String message = e.getMessage();
    if (e.origin() != null) {
      String prefix = e.origin().description() + ": ";
      if (message.startsWith(prefix)) {
        message = message.substring(prefix.length());
      }
    }
    if (e instanceof com.typesafe.config.ConfigException.Parse) {
      return "syntax error: " + message;
    }
    return message;
  }
}
