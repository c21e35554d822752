package dev.vipd.testlab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;

/**
 * The network namespaces of one lab, and the processes started in them. Every lab in this module
 * and in the tests is built on it.
 *
 * <p>Names are {@code vipdt-<jvm pid>-<n>-<name>}: unique per run and per lab. {@link #open} first
 * deletes the namespaces of JVMs that are no longer alive, so a killed run does not break the next,
 * while a concurrent run in another JVM is left alone. Nothing is created in the root namespace
 * but the namespaces themselves. Every command has a timeout; {@link #close} stops the processes
 * started here by PID, then every process still inside a namespace by PID, then deletes the
 * namespaces (last created first).
 */
public final class Namespaces implements AutoCloseable {
  /** The prefix of every lab namespace; {@link #open} sweeps the dead runs' ones. */
  public static final String PREFIX = "vipdt-";
  /** Enough for any single {@code ip} or {@code sysctl} call. */
  public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

  private static final Duration CLEANUP_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration STOP_GRACE = Duration.ofSeconds(3);
  private static final AtomicInteger SEQUENCE = new AtomicInteger();

  private final String prefix;
  private final List<String> namespaces = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  private Namespaces(String prefix) {
    this.prefix = prefix;
  }

  /**
   * Skips the calling test (an assumption, not a pass) unless it runs as root with iproute2's
   * {@code ip}.
   */
  public static void assumeAvailable() {
    Assumptions.assumeTrue(isRoot(), "network-namespace lab needs root (CI runs as root); skipped");
    Assumptions.assumeTrue(Sh.hasCommand("ip"),
        "network-namespace lab needs iproute2's ip; skipped");
  }

  /** True when this process runs with user id 0. */
  public static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[1].equals("0");
        }
      }
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  /** Skips unless available (see {@link #assumeAvailable}), sweeps dead runs, picks a prefix. */
  public static Namespaces open() {
    assumeAvailable();
    sweepDeadRuns();
    return new Namespaces(
        PREFIX + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + "-");
  }

  /** This lab's name prefix, {@code vipdt-<pid>-<n>-}. */
  public String prefix() {
    return prefix;
  }

  /**
   * Creates namespace {@code <prefix><name>} with {@code lo} up and the kernel's default ARP
   * behaviour, and returns its full name.
   *
   * <p>With {@code net.core.devconf_inherit_init_net=0} (the default) a new namespace copies the
   * root namespace's IPv4 {@code conf/all} and {@code conf/default}: a host whose root namespace
   * has {@code arp_ignore=3} would hand that to every lab host. The ARP keys are put back to the
   * kernel defaults (0) inside the new namespace, so labs behave the same on every host.
   */
  public String add(String name) {
    String full = prefix + name;
    Sh.run(COMMAND_TIMEOUT, "ip", "netns", "add", full);
    synchronized (namespaces) {
      namespaces.add(full);
    }
    run(full, "ip", "link", "set", "lo", "up");
    run(full, "sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=0",
        "net.ipv4.conf.default.arp_ignore=0", "net.ipv4.conf.all.arp_announce=0",
        "net.ipv4.conf.default.arp_announce=0");
    return full;
  }

  /** {@code ip netns exec <ns>} followed by {@code command}. */
  public static List<String> argv(String ns, List<String> command) {
    List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    argv.addAll(command);
    return argv;
  }

  /** Runs {@code command} in {@code ns} and returns how it ended; fails only on a timeout. */
  public static Sh.Result exec(String ns, Duration timeout, String... command) {
    return Sh.exec(timeout, argv(ns, List.of(command)).toArray(String[]::new));
  }

  /** Runs {@code command} in {@code ns} with {@link #COMMAND_TIMEOUT}, whatever its exit code. */
  public static Sh.Result exec(String ns, String... command) {
    return exec(ns, COMMAND_TIMEOUT, command);
  }

  /** Runs {@code command} in {@code ns}; fails with its output unless it exits 0. */
  public static Sh.Result run(String ns, String... command) {
    Sh.Result r = exec(ns, command);
    if (!r.succeeded()) {
      throw new IllegalStateException("in " + ns + ": " + String.join(" ", command) + " -> " + r);
    }
    return r;
  }

  /**
   * Starts {@code command} in {@code ns} in the background, stdout and stderr together on its
   * input stream; it is stopped by PID at the latest on {@link #close}.
   */
  public Process spawn(String ns, String... command) {
    return spawn(ns, List.of(command), pb -> pb.redirectErrorStream(true));
  }

  /**
   * Starts {@code command} in {@code ns}, with redirections set by {@code setup}. {@code ip netns
   * exec} execs the command, so the PID is the command's own and signals reach it.
   */
  public Process spawn(String ns, List<String> command, Consumer<ProcessBuilder> setup) {
    ProcessBuilder builder = new ProcessBuilder(argv(ns, command));
    setup.accept(builder);
    try {
      return track(builder.start());
    } catch (IOException e) {
      throw new IllegalStateException("starting " + builder.command(), e);
    }
  }

  /** Has {@link #close} stop {@code process} (started elsewhere) by its PID. */
  public Process track(Process process) {
    synchronized (processes) {
      processes.add(process);
    }
    return process;
  }

  @Override
  public void close() {
    synchronized (processes) {
      for (Process p : processes) {
        Processes.stop(p.toHandle(), STOP_GRACE);
      }
      processes.clear();
    }
    List<String> all;
    synchronized (namespaces) {
      all = new ArrayList<>(namespaces);
      namespaces.clear();
    }
    for (int i = all.size() - 1; i >= 0; i--) {
      delete(all.get(i));
    }
  }

  /** Stops every process left inside {@code ns} by PID, then deletes it. */
  static void delete(String ns) {
    Sh.Result pids = Sh.exec(CLEANUP_TIMEOUT, "ip", "netns", "pids", ns);
    if (pids.succeeded()) {
      for (String pid : pids.output().split("\\s+")) {
        if (!pid.isBlank()) {
          ProcessHandle.of(Long.parseLong(pid.trim()))
              .ifPresent(p -> Processes.stop(p, STOP_GRACE));
        }
      }
    }
    Sh.exec(CLEANUP_TIMEOUT, "ip", "netns", "delete", ns);
  }

  /** Deletes the lab namespaces of earlier runs whose JVM is gone. */
  static void sweepDeadRuns() {
    Sh.Result list = Sh.exec(CLEANUP_TIMEOUT, "ip", "netns", "list");
    for (String line : list.output().split("\n")) {
      String ns = line.strip().split("\\s+")[0];
      if (ns.startsWith(PREFIX) && !ownerAlive(ns)) {
        delete(ns);
      }
    }
  }

  /** True unless {@code ns} is a lab name whose JVM pid is gone (odd names count as alive). */
  static boolean ownerAlive(String ns) {
    String[] parts = ns.substring(PREFIX.length()).split("-", 2);
    try {
      long pid = Long.parseLong(parts[0]);
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    } catch (NumberFormatException e) {
      return true;
    }
  }
}
