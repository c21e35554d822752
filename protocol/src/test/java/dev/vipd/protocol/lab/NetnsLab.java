package dev.vipd.protocol.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * A throw-away layer-2 lab: host network namespaces, each with an {@code eth0}, joined by a Linux
 * bridge that lives in a namespace of its own. Nothing is created in the root namespace.
 *
 * <p>Namespace names are {@code vipdt-<jvm pid>-<n>-<name>}: unique per run, and {@link #create}
 * first removes the labs of JVMs that are no longer alive, so a killed run does not break the next
 * while a concurrent run in another JVM is left alone. Every command has a timeout; {@link #close}
 * stops the processes left in the namespaces by PID and deletes them.
 */
public final class NetnsLab implements AutoCloseable {
  private static final String PREFIX = "vipdt-";
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final long COMMAND_TIMEOUT_SECONDS = 20;

  private final String prefix;
  private final String bridgeNs;
  private final Map<String, Host> hosts = new LinkedHashMap<>();
  private final List<Process> background = new ArrayList<>();

  private NetnsLab(String prefix) {
    this.prefix = prefix;
    this.bridgeNs = prefix + "br";
  }

  /** Skips the calling test (not a pass) unless it runs as root with {@code ip netns}. */
  public static void assumeAvailable() {
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name")),
        "network-namespace lab needs root (CI runs as root); skipped");
    Assumptions.assumeTrue(
        Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
        "network-namespace lab needs iproute2's ip; skipped");
  }

  /**
   * Creates a lab with a bridge. {@code mldSnooping} turns on MLD/IGMP snooping with the bridge as
   * querier; host ports then get multicast only for groups their host reported.
   */
  public static NetnsLab create(boolean mldSnooping) {
    assumeAvailable();
    sweepDeadRuns();
    String prefix = PREFIX + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + "-";
    NetnsLab lab = new NetnsLab(prefix);
    try {
      lab.ip("netns", "add", lab.bridgeNs);
      lab.inNs(lab.bridgeNs, "ip", "link", "set", "lo", "up");
      List<String> add =
          new ArrayList<>(List.of("ip", "link", "add", "br0", "type", "bridge", "stp_state", "0"));
      if (mldSnooping) {
        add.addAll(List.of("mcast_snooping", "1", "mcast_querier", "1"));
      } else {
        add.addAll(List.of("mcast_snooping", "0"));
      }
      lab.inNs(lab.bridgeNs, add.toArray(String[]::new));
      lab.inNs(lab.bridgeNs, "ip", "link", "set", "br0", "up");
      // A host with br_netfilter loaded (Docker does that) makes bridges validate and filter IP
      // headers; a real switch does not. Off in the lab's own namespace (absent keys are fine).
      lab.exec(lab.bridgeNs, "sysctl", "-q", "-w", "net.bridge.bridge-nf-call-iptables=0",
          "net.bridge.bridge-nf-call-ip6tables=0", "net.bridge.bridge-nf-call-arptables=0");
      return lab;
    } catch (RuntimeException e) {
      lab.close();
      throw e;
    }
  }

  /**
   * Adds a host namespace with {@code eth0} on the bridge, the given MAC and addresses (CIDR
   * form). IPv6 duplicate address detection is off so addresses work at once.
   */
  public Host host(String name, String mac, String... cidrs) {
    String ns = prefix + name;
    String port = "p" + (hosts.size() + 1);
    ip("netns", "add", ns);
    inNs(ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0",
        "net.ipv6.conf.default.accept_dad=0");
    inNs(ns, "ip", "link", "set", "lo", "up");
    inNs(bridgeNs, "ip", "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
    inNs(bridgeNs, "ip", "link", "set", port, "master", "br0", "up");
    inNs(ns, "ip", "link", "set", "eth0", "address", mac, "up");
    for (String cidr : cidrs) {
      if (cidr.contains(":")) {
        inNs(ns, "ip", "-6", "addr", "add", cidr, "dev", "eth0", "nodad");
      } else {
        inNs(ns, "ip", "addr", "add", cidr, "dev", "eth0");
      }
    }
    Host host = new Host(this, name, ns, port, mac);
    hosts.put(name, host);
    return host;
  }

  /** Runs a command in the bridge's namespace. */
  public Sh.Result inBridge(String... command) {
    return exec(bridgeNs, command);
  }

  /** Stops multicast flooding to a host's bridge port: it gets only groups it reported. */
  public void onlyReportedMulticastTo(Host host) {
    inNs(bridgeNs, "bridge", "link", "set", "dev", host.port(), "mcast_flood", "off");
  }

  String bridgeNamespace() {
    return bridgeNs;
  }

  /** Runs {@code command} inside namespace {@code ns}; fails with its output on a non-zero exit. */
  Sh.Result inNs(String ns, String... command) {
    Sh.Result r = exec(ns, command);
    if (!r.succeeded()) {
      throw new IllegalStateException("in " + ns + ": " + String.join(" ", command) + " -> " + r);
    }
    return r;
  }

  /** Runs {@code command} inside namespace {@code ns} and returns its exit code and output. */
  public Sh.Result exec(String ns, String... command) {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    argv.addAll(Arrays.asList(command));
    return run(argv, COMMAND_TIMEOUT_SECONDS);
  }

  /** Starts {@code command} in {@code ns} in the background; stopped by PID at the latest on close. */
  public Process spawn(String ns, String... command) {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    argv.addAll(Arrays.asList(command));
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      synchronized (background) {
        background.add(p);
      }
      return p;
    } catch (IOException e) {
      throw new IllegalStateException("starting " + argv, e);
    }
  }

  private Sh.Result ip(String... args) {
    List<String> argv = new ArrayList<>(List.of("ip"));
    argv.addAll(Arrays.asList(args));
    Sh.Result r = run(argv, COMMAND_TIMEOUT_SECONDS);
    if (!r.succeeded()) {
      throw new IllegalStateException(String.join(" ", argv) + " -> " + r);
    }
    return r;
  }

  /** Runs a command with a timeout, whatever its exit code. */
  static Sh.Result run(List<String> argv, long timeoutSeconds) {
    return Sh.exec(Duration.ofSeconds(timeoutSeconds), argv.toArray(String[]::new));
  }

  /** Runs {@code body} on a thread that has entered the host's network namespace. */
  public <T> T inside(Host host, Callable<T> body) {
    try {
      return Netns.call(host.namespace(), body);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("in " + host.namespace() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    synchronized (background) {
      for (Process p : background) {
        stop(p.toHandle());
      }
      background.clear();
    }
    List<String> all = new ArrayList<>();
    hosts.values().forEach(h -> all.add(h.namespace()));
    all.add(bridgeNs);
    for (String ns : all) {
      deleteNamespace(ns);
    }
    hosts.clear();
  }

  private static void deleteNamespace(String ns) {
    Sh.Result pids = run(List.of("ip", "netns", "pids", ns), 10);
    if (pids.succeeded()) {
      for (String line : pids.output().split("\\s+")) {
        if (!line.isBlank()) {
          ProcessHandle.of(Long.parseLong(line.trim())).ifPresent(NetnsLab::stop);
        }
      }
    }
    run(List.of("ip", "netns", "delete", ns), 10);
  }

  private static void stop(ProcessHandle p) {
    p.destroy();
    try {
      p.onExit().get(3, TimeUnit.SECONDS);
    } catch (Exception e) {
      p.destroyForcibly();
    }
  }

  /** Deletes the namespaces of earlier runs whose JVM is gone. */
  private static void sweepDeadRuns() {
    Sh.Result list = run(List.of("ip", "netns", "list"), 10);
    for (String line : list.output().split("\n")) {
      String ns = line.split("\\s+")[0];
      if (!ns.startsWith(PREFIX)) {
        continue;
      }
      String[] parts = ns.substring(PREFIX.length()).split("-", 2);
      long pid;
      try {
        pid = Long.parseLong(parts[0]);
      } catch (NumberFormatException e) {
        continue;
      }
      if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
        continue;
      }
      deleteNamespace(ns);
    }
  }
}
