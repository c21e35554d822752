package dev.vipd.protocol.raw;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vipd.protocol.lab.Sh;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Two network namespaces, A (198.51.100.1) and B (198.51.100.2), joined by a veth pair whose
 * ends are both called {@code veth}. Names carry this JVM's pid, so a sweep at start removes only
 * leftovers of runs that are gone.
 */
final class VethLab implements AutoCloseable {
  static final String PREFIX = "vraw-";
  static final String IFACE = "veth";
  static final Duration IP_TIMEOUT = Duration.ofSeconds(10);

  final String a;
  final String b;

  private VethLab(String a, String b) {
    this.a = a;
    this.b = b;
  }

  /** Skips the calling test class unless it runs as root with {@code ip} installed. */
  static void assumeAvailable() throws IOException {
    assumeTrue(isRoot(), "network-namespace IT skipped: needs root (CAP_NET_ADMIN, CAP_NET_RAW)");
    assumeTrue(Sh.hasCommand("ip"), "network-namespace IT skipped: the ip command is missing");
  }

  /** Builds a fresh lab; {@code tag} tells the labs of different test classes apart. */
  static VethLab create(String tag) {
    sweep();
    long pid = ProcessHandle.current().pid();
    VethLab lab = new VethLab(PREFIX + pid + "-" + tag + "-a", PREFIX + pid + "-" + tag + "-b");
    try {
      ip("netns", "add", lab.a);
      ip("netns", "add", lab.b);
      ip("-n", lab.a, "link", "add", IFACE, "type", "veth", "peer", "name", IFACE, "netns", lab.b);
      ip("-n", lab.a, "addr", "add", "198.51.100.1/24", "dev", IFACE);
      ip("-n", lab.b, "addr", "add", "198.51.100.2/24", "dev", IFACE);
      for (String ns : new String[] {lab.a, lab.b}) {
        ip("-n", ns, "link", "set", "lo", "up");
        ip("-n", ns, "link", "set", IFACE, "up");
      }
      return lab;
    } catch (RuntimeException e) {
      lab.close();
      throw e;
    }
  }

  /** Runs {@code command} in namespace {@code ns} with a timeout, whatever its exit code. */
  static Sh.Result execIn(String ns, Duration timeout, String... command) {
    String[] argv = new String[command.length + 4];
    argv[0] = "ip";
    argv[1] = "netns";
    argv[2] = "exec";
    argv[3] = ns;
    System.arraycopy(command, 0, argv, 4, command.length);
    return Sh.exec(timeout, argv);
  }

  static String ip(String... args) {
    String[] argv = new String[args.length + 1];
    argv[0] = "ip";
    System.arraycopy(args, 0, argv, 1, args.length);
    return Sh.run(IP_TIMEOUT, argv);
  }

  /** Deletes both namespaces (and with them the veth pair). */
  @Override
  public void close() {
    for (String ns : new String[] {a, b}) {
      if (Files.exists(Path.of("/var/run/netns", ns))) {
        Sh.exec(IP_TIMEOUT, "ip", "netns", "del", ns);
      }
    }
  }

  /** Removes namespaces of this prefix left by runs whose JVM no longer exists. */
  private static void sweep() {
    for (String line : Sh.run(IP_TIMEOUT, "ip", "netns", "list").split("\n")) {
      String name = line.split(" ")[0];
      if (!name.startsWith(PREFIX)) {
        continue;
      }
      String[] parts = name.substring(PREFIX.length()).split("-");
      long pid;
      try {
        pid = Long.parseLong(parts[0]);
      } catch (NumberFormatException e) {
        continue;
      }
      if (ProcessHandle.of(pid).isEmpty()) {
        Sh.exec(IP_TIMEOUT, "ip", "netns", "del", name);
      }
    }
  }

  private static boolean isRoot() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("Uid:")) {
        return line.split("\\s+")[1].equals("0");
      }
    }
    return false;
  }
}
