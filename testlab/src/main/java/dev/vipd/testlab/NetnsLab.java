package dev.vipd.testlab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A throw-away layer-2 lab: host network namespaces, each with an {@code eth0}, joined by a Linux
 * bridge that lives in a namespace of its own. Nothing is created in the root namespace.
 *
 * <p>Naming, the sweep of dead runs, bounded commands and the clean-up on {@link #close} are
 * those of {@link Namespaces}.
 */
public final class NetnsLab implements AutoCloseable {
  private final Namespaces namespaces;
  private final String bridgeNs;
  private final Map<String, Host> hosts = new LinkedHashMap<>();

  private NetnsLab(Namespaces namespaces) {
    this.namespaces = namespaces;
    this.bridgeNs = namespaces.prefix() + "br";
  }

  /** Skips the calling test (not a pass) unless it runs as root with {@code ip netns}. */
  public static void assumeAvailable() {
    Namespaces.assumeAvailable();
  }

  /**
   * Creates a lab with a bridge. {@code mldSnooping} turns on MLD/IGMP snooping with the bridge as
   * querier; host ports then get multicast only for groups their host reported.
   */
  public static NetnsLab create(boolean mldSnooping) {
    NetnsLab lab = new NetnsLab(Namespaces.open());
    try {
      lab.namespaces.add("br");
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
    String port = "p" + (hosts.size() + 1);
    String ns = namespaces.add(name);
    inNs(ns, "sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0",
        "net.ipv6.conf.default.accept_dad=0");
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

  /** The namespaces behind this lab (for processes started outside {@link #spawn}). */
  public Namespaces namespaces() {
    return namespaces;
  }

  /** Runs {@code command} inside namespace {@code ns}; fails with its output on a non-zero exit. */
  Sh.Result inNs(String ns, String... command) {
    return Namespaces.run(ns, command);
  }

  /** Runs {@code command} inside namespace {@code ns} and returns its exit code and output. */
  public Sh.Result exec(String ns, String... command) {
    return Namespaces.exec(ns, command);
  }

  /** Starts {@code command} in {@code ns} in the background; stopped by PID at the latest on close. */
  public Process spawn(String ns, String... command) {
    return namespaces.spawn(ns, command);
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
    namespaces.close();
    hosts.clear();
  }
}
