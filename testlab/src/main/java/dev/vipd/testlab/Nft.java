package dev.vipd.testlab;

import java.util.Collection;
import java.util.List;

/**
 * Fault injection with nftables inside one lab host's namespace: IPv4 traffic from (or to) given
 * peer addresses dropped, or dropped at random. Layer 2 stays up: ARP is not filtered, and traffic
 * to and from other addresses (a client) passes. All rules live in one table, {@value #TABLE},
 * which {@link #clear} deletes; the host's namespace goes with the lab anyway.
 */
public final class Nft {
  /** The table every rule of this class goes into (family inet). */
  public static final String TABLE = "vipdfault";

  private Nft() {}

  /** True when the {@code nft} command is installed. */
  public static boolean available() {
    return Sh.hasCommand("nft");
  }

  /** Drops every IPv4 packet {@code host} receives from {@code peers} (an asymmetric cut). */
  public static void dropFrom(Host host, Collection<String> peers) {
    rule(host, "input", "ip saddr " + set(peers) + " drop");
  }

  /** Drops every IPv4 packet {@code host} sends to {@code peers}. */
  public static void dropTo(Host host, Collection<String> peers) {
    rule(host, "output", "ip daddr " + set(peers) + " drop");
  }

  /** Cuts {@code host} off from {@code peers} in both directions. */
  public static void cut(Host host, Collection<String> peers) {
    dropFrom(host, peers);
    dropTo(host, peers);
  }

  /**
   * Drops {@code percent} % of the IPv4 packets {@code host} receives from {@code peers}, each
   * packet on its own ({@code numgen random}: {@code tc netem} is not available on these kernels).
   */
  public static void lossFrom(Host host, Collection<String> peers, int percent) {
    if (percent < 1 || percent > 100) {
      throw new IllegalArgumentException("invalid loss: " + percent + " (expected: 1-100)");
    }
    rule(host, "input", "ip saddr " + set(peers) + " numgen random mod 100 < " + percent
        + " drop");
  }

  /** Packets dropped so far by this class's rules in {@code host} (0 without a table). */
  public static long droppedPackets(Host host) {
    Sh.Result r = host.exec("nft", "list", "table", "inet", TABLE);
    long total = 0;
    if (!r.succeeded()) {
      return 0;
    }
    for (String line : r.output().split("\n")) {
      int at = line.indexOf("counter packets ");
      if (at >= 0) {
        String[] words = line.substring(at + "counter packets ".length()).split("\\s+");
        total += Long.parseLong(words[0]);
      }
    }
    return total;
  }

  /** Removes every rule of this class from {@code host} (no-op when there are none). */
  public static void clear(Host host) {
    host.exec("nft", "delete", "table", "inet", TABLE);
  }

  private static void rule(Host host, String hook, String match) {
    host.run("nft", "add", "table", "inet", TABLE);
    host.run("nft", "add", "chain", "inet", TABLE, hook, "{ type filter hook " + hook
        + " priority 0 ; policy accept ; }");
    List<String> argv = new java.util.ArrayList<>(List.of("nft", "add", "rule", "inet", TABLE,
        hook));
    for (String word : match.split(" ")) {
      argv.add(word);
    }
    // The counter goes before the verdict so that it counts what the rule drops.
    argv.add(argv.size() - 1, "counter");
    host.run(argv.toArray(String[]::new));
  }

  private static String set(Collection<String> addresses) {
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException("no peer addresses");
    }
    return "{ " + String.join(", ", addresses) + " }";
  }
}
