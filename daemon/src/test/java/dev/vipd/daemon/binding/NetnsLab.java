package dev.vipd.daemon.binding;

import dev.vipd.testlab.Namespaces;
import java.time.Duration;
import java.util.List;

/**
 * Network namespaces for the binding and link tests, whose commands go through vipd's own {@link
 * Command} runner (the one production uses) with an {@code ip netns exec} prefix.
 *
 * <p>Naming, the sweep of dead runs and the clean-up on {@link #close()} are {@link Namespaces}'.
 * Only namespaces are created in the host; every link, address, route and sysctl is made inside
 * them.
 */
public final class NetnsLab implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Namespaces namespaces;

  private NetnsLab(Namespaces namespaces) {
    this.namespaces = namespaces;
  }

  /** Skips the calling test unless running as root with {@code ip netns} available. */
  public static NetnsLab open() {
    return new NetnsLab(Namespaces.open());
  }

  /** Creates namespace {@code <run prefix><name>} with {@code lo} up; returns its full name. */
  public String namespace(String name) {
    return namespaces.add(name);
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
    return namespaces.track(in(namespace).start("starting " + argv.get(0), argv));
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
    namespaces.close();
  }
}
