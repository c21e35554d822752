package dev.vipd.protocol.raw;

import dev.vipd.testlab.Namespaces;
import dev.vipd.testlab.Sh;
import java.time.Duration;

/**
 * Two network namespaces, A (198.51.100.1) and B (198.51.100.2), joined by a veth pair whose
 * ends are both called {@code veth}. Naming, sweeping and clean-up are {@link Namespaces}'.
 */
final class VethLab implements AutoCloseable {
  static final String IFACE = "veth";
  static final Duration IP_TIMEOUT = Duration.ofSeconds(10);

  final String a;
  final String b;
  private final Namespaces namespaces;

  private VethLab(Namespaces namespaces, String tag) {
    this.namespaces = namespaces;
    this.a = namespaces.add(tag + "-a");
    this.b = namespaces.add(tag + "-b");
  }

  /** Skips the calling test class unless it runs as root with {@code ip} installed. */
  static void assumeAvailable() {
    Namespaces.assumeAvailable();
  }

  /** Builds a fresh lab; {@code tag} tells the labs of different test classes apart. */
  static VethLab create(String tag) {
    Namespaces namespaces = Namespaces.open();
    try {
      VethLab lab = new VethLab(namespaces, tag);
      ip("-n", lab.a, "link", "add", IFACE, "type", "veth", "peer", "name", IFACE, "netns", lab.b);
      ip("-n", lab.a, "addr", "add", "198.51.100.1/24", "dev", IFACE);
      ip("-n", lab.b, "addr", "add", "198.51.100.2/24", "dev", IFACE);
      ip("-n", lab.a, "link", "set", IFACE, "up");
      ip("-n", lab.b, "link", "set", IFACE, "up");
      return lab;
    } catch (RuntimeException e) {
      namespaces.close();
      throw e;
    }
  }

  /** Runs {@code command} in namespace {@code ns} with a timeout, whatever its exit code. */
  static Sh.Result execIn(String ns, Duration timeout, String... command) {
    return Namespaces.exec(ns, timeout, command);
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
    namespaces.close();
  }
}
