package dev.vipd.daemon.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.vipd.cluster.beacon.FailureDetectionProfile;
import dev.vipd.cluster.election.Quorum;
import dev.vipd.daemon.hooks.HookEvent;
import dev.vipd.daemon.hooks.HookSpec;
import dev.vipd.protocol.AnnounceSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** Binds the single-object sections: node, cluster, announce, http, hooks and the paths. */
final class SectionBinder {

  /**
   * Longest node name, in bytes: the liveness beacon carries the name in at most 64 bytes (its
   * one-byte length field, limited to 64 by the beacon codec), so a longer name would pass here
   * and then fail the beacon service after Hazelcast had joined.
   */
  static final int MAX_NODE_NAME_BYTES = 64;

  private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /** Modes a secret file may have: readable by its owner only. */
  private static final Set<Set<PosixFilePermission>> SECRET_MODES =
      Set.of(
          EnumSet.of(PosixFilePermission.OWNER_READ),
          EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));

  private final Config vipd;
  private final Problems problems;

  SectionBinder(Config vipd, Problems problems) {
    this.vipd = vipd;
    this.problems = problems;
  }

  /** A reader for {@code vipd.section}, or {@code null} (and a problem) if it is no object. */
  private ConfigReader reader(String section) {
    ConfigValue value = vipd.getValue(section);
    if (value.valueType() != ConfigValueType.OBJECT) {
      problems.add(value.origin(), "vipd." + section,
          "expected an object, got " + ConfigReader.describe(value));
      return null;
    }
    return new ConfigReader(vipd.getConfig(section), "vipd." + section, value.origin(), problems);
  }

  NodeConfig node(Supplier<String> hostname) {
    ConfigReader r = reader("node");
    if (r == null) {
      return null;
    }
    String name;
    if (r.isSet("name")) {
      name = r.nonEmptyString("name");
    } else {
      name = hostname.get();
      if (name == null || name.isBlank()) {
        r.problem("name", "not set and the hostname cannot be read; set vipd.node.name");
        name = null;
      }
    }
    if (name != null && !NODE_NAME.matcher(name).matches()) {
      r.problem("name",
          "invalid node name: " + name + " (expected letters, digits, '.', '_', '-')");
      name = null;
    } else if (name != null && name.length() > MAX_NODE_NAME_BYTES) {
      r.problem("name", "node name too long: " + name.length() + " bytes (expected: 1-"
          + MAX_NODE_NAME_BYTES + ", the limit of the liveness beacon)");
      name = null;
    }
    Map<String, String> labels = r.stringMap("labels");
    return name == null || labels == null ? null : new NodeConfig(name, labels);
  }

  ClusterConfig cluster() {
    ConfigReader r = reader("cluster");
    if (r == null) {
      return null;
    }
    int before = problems.count();
    String name = r.nonEmptyString("name");
    String bind = r.nonEmptyString("bind");
    if (bind != null && IpLiterals.parse(bind) == null && !ConfigPaths.isInterfaceName(bind)) {
      r.problem("bind", "invalid bind: " + bind + " (expected an interface name or an IP address)");
    }
    Integer port = r.integer("port", 1, 65535);
    Integer beaconPort = r.integer("beacon-port", 1, 65535);
    List<InetAddress> peers = peers(r);
    Path secretFile = secretFile(r);
    Quorum quorum = r.enumValue("quorum", Quorum.class);
    Integer expectedSize = r.integer("expected-size", 0, 1000);
    if (quorum == Quorum.MAJORITY && expectedSize != null && expectedSize < 1) {
      r.problem("expected-size", "quorum", "quorum = majority needs expected-size >= 1"
          + " (the cluster size a majority is counted against)");
    }
    FailureDetectionProfile detection = failureDetection(r);
    if (problems.count() > before) {
      return null;
    }
    return new ClusterConfig(name, bind, port, beaconPort, peers, secretFile, quorum,
        expectedSize, detection);
  }

  /** A profile name ({@code default}, {@code fast}, {@code fastest}), as the cluster's profile. */
  private static FailureDetectionProfile failureDetection(ConfigReader r) {
    String text = r.string("failure-detection");
    if (text == null) {
      return null;
    }
    for (FailureDetectionProfile p : FailureDetectionProfile.NAMED) {
      if (p.name().equals(text)) {
        return p;
      }
    }
    r.problem("failure-detection", "invalid value: " + text + " (expected: "
        + FailureDetectionProfile.names(" | ", " | ") + ")");
    return null;
  }

  private List<InetAddress> peers(ConfigReader r) {
    List<String> texts = r.strings("peers");
    if (texts == null) {
      return null;
    }
    List<InetAddress> peers = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      InetAddress peer = IpLiterals.parse(texts.get(i).trim());
      String path = r.path("peers") + "[" + i + "]";
      if (peer == null) {
        problems.add(problems.originOf(path), path, "invalid peer address: " + texts.get(i)
            + " (expected an IP address; names are not resolved)");
      } else if (peers.contains(peer)) {
        // Two spellings of one address would make two members out of one; refuse with the line.
        problems.add(problems.originOf(path), path, "duplicate peer: " + texts.get(i)
            + " (also " + r.path("peers") + "[" + indexOf(texts, peer) + "])");
      } else {
        peers.add(peer);
      }
    }
    return peers;
  }

  /** The index of the first text in {@code texts} that parses to {@code address}. */
  private static int indexOf(List<String> texts, InetAddress address) {
    for (int i = 0; i < texts.size(); i++) {
      if (address.equals(IpLiterals.parse(texts.get(i).trim()))) {
        return i;
      }
    }
    return -1;
  }

  /** The secret must exist, be a regular file and be readable by its owner only. */
  private Path secretFile(ConfigReader r) {
    Path path = absolutePath(r, "secret-file");
    if (path == null) {
      return null;
    }
    PosixFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, PosixFileAttributes.class);
    } catch (NoSuchFileException e) {
      r.problem("secret-file", "secret file not found: " + path);
      return null;
    } catch (IOException | UnsupportedOperationException e) {
      r.problem("secret-file", "cannot read the mode of the secret file " + path + ": " + e);
      return null;
    }
    if (!attributes.isRegularFile()) {
      r.problem("secret-file", "secret file is not a regular file: " + path);
      return null;
    }
    if (!SECRET_MODES.contains(attributes.permissions())) {
      r.problem("secret-file", "secret file " + path + " has mode "
          + PosixFilePermissions.toString(attributes.permissions())
          + " (expected rw------- or r--------: chmod 600 " + path + ")");
      return null;
    }
    return path;
  }

  AnnounceSettings announce() {
    ConfigReader r = reader("announce");
    if (r == null) {
      return null;
    }
    Integer count = r.integer("garp-count", 1, 20);
    Duration interval = r.duration("garp-interval", Duration.ofMillis(10), Duration.ofSeconds(10));
    Duration refresh = r.duration("refresh-interval", Duration.ofSeconds(1), Duration.ofHours(1));
    Integer fps = r.integer("frames-per-second", 1, AnnounceSettings.MAX_FRAMES_PER_SECOND);
    if (count == null || interval == null || refresh == null || fps == null) {
      return null;
    }
    return new AnnounceSettings(count, interval, refresh, fps);
  }

  HttpConfig http() {
    ConfigReader r = reader("http");
    if (r == null) {
      return null;
    }
    String listen = r.nonEmptyString("listen");
    if (listen == null) {
      return null;
    }
    int colon = listen.lastIndexOf(':');
    String host = colon < 0 ? "" : listen.substring(0, colon);
    String portText = colon < 0 ? "" : listen.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      host = "";
    }
    InetAddress address = host.isEmpty() ? null : IpLiterals.parse(host);
    int port = portText.matches("[0-9]{1,5}") ? Integer.parseInt(portText) : -1;
    if (address == null || port < 1 || port > 65535) {
      r.problem("listen", "invalid listen address: " + listen
          + " (expected address:port with port 1-65535, such as 0.0.0.0:9476 or [::]:9476)");
      return null;
    }
    return new HttpConfig(address, port);
  }

  /** The notify hooks: one per command set ({@code on-acquire}, {@code on-release}). */
  List<HookSpec> hooks() {
    ConfigReader r = reader("hooks");
    if (r == null) {
      return null;
    }
    List<String> onAcquire = hook(r, "on-acquire");
    List<String> onRelease = hook(r, "on-release");
    Duration timeout = r.duration("timeout", Duration.ofSeconds(1), Duration.ofMinutes(10));
    if (onAcquire == null || onRelease == null || timeout == null) {
      return null;
    }
    List<HookSpec> hooks = new ArrayList<>();
    if (!onAcquire.isEmpty()) {
      hooks.add(new HookSpec("on-acquire", Set.of(HookEvent.ACQUIRE), onAcquire, timeout));
    }
    if (!onRelease.isEmpty()) {
      hooks.add(new HookSpec("on-release", Set.of(HookEvent.RELEASE), onRelease, timeout));
    }
    return hooks;
  }

  private static List<String> hook(ConfigReader r, String key) {
    List<String> argv = r.strings(key);
    if (argv != null && !argv.isEmpty() && !ConfigPaths.isArgv(argv)) {
      r.problem(key, "invalid command: " + argv
          + " (expected [] or [\"/absolute/program\", \"arg\", ...])");
      return null;
    }
    return argv;
  }

  BindMode bindMode() {
    return top().enumValue("bind-mode", BindMode.class);
  }

  Path topLevelPath(String key) {
    return absolutePath(top(), key);
  }

  private ConfigReader top() {
    return new ConfigReader(vipd, "vipd", vipd.root().origin(), problems);
  }

  private static Path absolutePath(ConfigReader r, String key) {
    String text = r.nonEmptyString(key);
    if (text == null) {
      return null;
    }
    if (!ConfigPaths.isAbsolute(text)) {
      r.problem(key, "not an absolute path: " + text);
      return null;
    }
    return Path.of(text);
  }
}
