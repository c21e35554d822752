package dev.vipd.daemon.binding;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Network namespaces for integration tests, named {@code vipdb-<pid>-<name>}.
 *
 * <p>Only namespaces are created in the host; every link, address, route and sysctl is made
 * inside them through {@code ip netns exec}. Leftovers of runs whose JVM is gone are swept at
 * start; {@link #close()} deletes this run's namespaces and stops the processes started in them.
 */
public final class NetnsLab implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NetnsLab.class);
  private static final String PREFIX = "vipdb-";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Command host = new Command(List.of(), TIMEOUT);
  private final String runPrefix = PREFIX + ProcessHandle.current().pid() + "-";
  private final List<String> namespaces = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  /** Skips the calling test unless running as root with {@code ip netns} available. */
  public static NetnsLab open() {
    Command probe = new Command(List.of(), TIMEOUT);
    boolean root;
    try {
      root = probe.run("checking uid", List.of("id", "-u")).strip().equals("0");
    } catch (CommandException e) {
      root = false;
    }
    assumeTrue(root, "skipped: network-namespace tests need root");
    try {
      probe.run("checking ip netns", List.of("ip", "netns", "list"));
    } catch (CommandException e) {
      assumeTrue(false, "skipped: 'ip netns' is not available: " + e.getMessage());
    }
    NetnsLab lab = new NetnsLab();
    lab.sweep();
    return lab;
  }

  /** Deletes namespaces of earlier runs whose JVM is no longer alive. */
  private void sweep() {
    for (String line : host.run("listing namespaces", List.of("ip", "netns", "list")).split("\n")) {
      String name = line.strip().split("\\s+")[0];
      if (!name.startsWith(PREFIX)) {
        continue;
      }
      String[] parts = name.substring(PREFIX.length()).split("-", 2);
      Optional<ProcessHandle> owner;
      try {
        owner = ProcessHandle.of(Long.parseLong(parts[0]));
      } catch (NumberFormatException e) {
        continue;
      }
      if (owner.isEmpty() || !owner.get().isAlive()) {
        log.info("sweeping leftover namespace {}", name);
        host.run("deleting " + name, List.of("ip", "netns", "del", name));
      }
    }
  }

  /** Creates namespace {@code <run prefix><name>} with {@code lo} up; returns its full name. */
  public String namespace(String name) {
    String full = runPrefix + name;
    host.run("creating " + full, List.of("ip", "netns", "add", full));
    namespaces.add(full);
    in(full).run("lo up", List.of("ip", "link", "set", "lo", "up"));
    return full;
  }

  /** A runner whose commands run inside {@code namespace}. */
  public Command in(String namespace) {
    return new Command(List.of("ip", "netns", "exec", namespace), TIMEOUT);
  }

  /** Runs one command inside {@code namespace}, split on spaces. */
  public String run(String namespace, String command) {
    return in(namespace).run(command, List.of(command.split(" ")));
  }

  /** Starts a long-running command in {@code namespace}; it is stopped by {@link #close()}. */
  public Process start(String namespace, List<String> argv) {
    Process process = in(namespace).start("starting " + argv.get(0), argv);
    processes.add(process);
    return process;
  }

  /** The MAC of {@code device} in {@code namespace}. */
  public String mac(String namespace, String device) {
    String[] tokens = run(namespace, "ip -o link show dev " + device).split("\\s+");
    for (int i = 0; i + 1 < tokens.length; i++) {
      if (tokens[i].equals("link/ether")) {
        return tokens[i + 1];
      }
    }
    throw new IllegalStateException("no MAC for " + device + " in " + namespace);
  }

  @Override
  public void close() {
    for (Process process : processes) {
      process.destroyForcibly();
    }
    for (String namespace : namespaces) {
      try {
        host.run("deleting " + namespace, List.of("ip", "netns", "del", namespace));
      } catch (CommandException e) {
        log.warn("could not delete {}: {}", namespace, e.getMessage());
      }
    }
  }
}
