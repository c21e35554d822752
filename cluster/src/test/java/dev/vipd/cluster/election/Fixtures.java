package dev.vipd.cluster.election;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Small factories for example-based election tests (documentation addresses only). */
final class Fixtures {
  private Fixtures() {}

  /** Parses an address literal (no DNS lookup happens for literals). */
  static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  static List<InetAddress> ips(String... literals) {
    return Arrays.stream(literals).map(Fixtures::ip).toList();
  }

  /** The i-th test VIP: even indexes in 198.51.100.0/24, odd ones in 2001:db8::/32. */
  static InetAddress vip(int i) {
    return i % 2 == 0 ? ip("198.51.100." + (i / 2 + 1)) : ip("2001:db8::" + Integer.toHexString(i));
  }

  static Node healthy(String name) {
    return Node.healthy(name);
  }

  static Node unverified(String name) {
    return new Node(name, Map.of(), false, false, false, Set.of(), Set.of(), 0);
  }

  static Node suspected(String name) {
    return new Node(name, Map.of(), true, true, false, Set.of(), Set.of(), 0);
  }

  static Node drained(String name) {
    return new Node(name, Map.of(), true, false, true, Set.of(), Set.of(), 0);
  }

  static Node unhealthy(String name, String pool) {
    return new Node(name, Map.of(), true, false, false, Set.of(pool), Set.of(), 0);
  }

  static Node linkDown(String name, String pool) {
    return new Node(name, Map.of(), true, false, false, Set.of(), Set.of(pool), 0);
  }

  static Node labelled(String name, Map<String, String> labels) {
    return new Node(name, labels, true, false, false, Set.of(), Set.of(), 0);
  }

  static Node eligibleSince(String name, long millis) {
    return new Node(name, Map.of(), true, false, false, Set.of(), Set.of(), millis);
  }

  static Pool preferring(String name, List<InetAddress> vips, boolean preempt, String... nodes) {
    return new Pool(name, vips, Map.of(), List.of(nodes), preempt, Duration.ofSeconds(30));
  }

  static ElectionResult elect(
      List<Node> nodes, List<Pool> pools, Map<InetAddress, Ownership> current) {
    return Election.elect(ElectionInput.of(nodes, pools, current, 100_000));
  }
}
