package dev.vipd.testlab;

import java.util.concurrent.Callable;

/** One host of a {@link NetnsLab}: a network namespace with {@code eth0} on the lab's bridge. */
public record Host(NetnsLab lab, String name, String namespace, String port, String mac) {

  /** Runs a command in this host's namespace and returns its exit code and output. */
  public Sh.Result exec(String... command) {
    return lab.exec(namespace, command);
  }

  /** Like {@link #exec} but fails with the output unless the command exits 0. */
  public Sh.Result run(String... command) {
    return lab.inNs(namespace, command);
  }

  /** Starts a background command in this host's namespace (stopped by PID on lab close). */
  public Process spawn(String... command) {
    return lab.spawn(namespace, command);
  }

  /** Runs {@code body} on a thread inside this host's namespace (sockets opened there stay there). */
  public <T> T inside(Callable<T> body) {
    return lab.inside(this, body);
  }

  /** The MAC as a 48-bit value. */
  public long macValue() {
    return Long.parseLong(mac.replace(":", ""), 16);
  }
}
