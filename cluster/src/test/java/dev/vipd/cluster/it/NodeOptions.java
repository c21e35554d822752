package dev.vipd.cluster.it;

import dev.vipd.cluster.beacon.FailureDetectionProfile;
import dev.vipd.cluster.election.Pool;
import dev.vipd.cluster.election.Policy;
import dev.vipd.cluster.election.Quorum;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The settings of one {@link TestNode} JVM, both as the harness builds them and as the node parses
 * them back from its command line ({@code --key value} pairs).
 *
 * @param clusterName the Hazelcast cluster name
 * @param name the node name
 * @param bind the address Hazelcast and the beacons bind to
 * @param port the Hazelcast port
 * @param peers Hazelcast TCP-IP members as {@code host:port}
 * @param beaconPort the UDP beacon port
 * @param profile {@code default}, {@code fast} or {@code hazelcast-only} (beacons so slow that only
 *     Hazelcast's own membership removes a member; the benchmark's peer)
 * @param quorum {@code none} or {@code majority}
 * @param expectedSize the configured cluster size
 * @param secretFile the cluster secret file
 * @param pools {@code name=vip1,vip2;name2=vip3}
 * @param preferred preferred node names, applied to every pool (may be empty)
 * @param preempt whether the preferred nodes preempt
 * @param preemptDelay the preempt delay
 * @param iface the interface a data-plane Speaker answers on, or {@code null} for none
 * @param deferPools start with no pools and take {@link #pools} only on the {@code pools} stdin
 *     command (so that a cluster started one by one spreads the VIPs instead of leaving them all
 *     sticky on the first node)
 */
public record NodeOptions(
    String clusterName,
    String name,
    String bind,
    int port,
    List<String> peers,
    int beaconPort,
    String profile,
    String quorum,
    int expectedSize,
    Path secretFile,
    String pools,
    List<String> preferred,
    boolean preempt,
    Duration preemptDelay,
    String iface,
    boolean deferPools) {

  /** Beacon settings that never suspect within a test: only Hazelcast removes members. */
  public static final FailureDetectionProfile HAZELCAST_ONLY =
      new FailureDetectionProfile("hazelcast-only", Duration.ofSeconds(10), 1000, 3);

  public NodeOptions {
    peers = List.copyOf(peers);
    preferred = List.copyOf(preferred);
  }

  public NodeOptions withName(String newName, String newBind) {
    return new NodeOptions(clusterName, newName, newBind, port, peers, beaconPort, profile, quorum,
        expectedSize, secretFile, pools, preferred, preempt, preemptDelay, iface, deferPools);
  }

  public NodeOptions withSecretFile(Path file) {
    return new NodeOptions(clusterName, name, bind, port, peers, beaconPort, profile, quorum,
        expectedSize, file, pools, preferred, preempt, preemptDelay, iface, deferPools);
  }

  public NodeOptions withPreference(List<String> nodes, boolean doPreempt, Duration delay) {
    return new NodeOptions(clusterName, name, bind, port, peers, beaconPort, profile, quorum,
        expectedSize, secretFile, pools, nodes, doPreempt, delay, iface, deferPools);
  }

  public NodeOptions withInterface(String name) {
    return new NodeOptions(clusterName, this.name, bind, port, peers, beaconPort, profile, quorum,
        expectedSize, secretFile, pools, preferred, preempt, preemptDelay, name, deferPools);
  }

  public NodeOptions withDeferredPools(boolean defer) {
    return new NodeOptions(clusterName, name, bind, port, peers, beaconPort, profile, quorum,
        expectedSize, secretFile, pools, preferred, preempt, preemptDelay, iface, defer);
  }

  /** The command-line form {@link #parse} reads back. */
  public List<String> toArgs() {
    List<String> args = new ArrayList<>(List.of(
        "--cluster-name", clusterName, "--name", name, "--bind", bind,
        "--port", Integer.toString(port), "--peers", String.join(",", peers),
        "--beacon-port", Integer.toString(beaconPort), "--profile", profile,
        "--quorum", quorum, "--expected-size", Integer.toString(expectedSize),
        "--secret-file", secretFile.toString(), "--pools", pools,
        "--preferred", String.join(",", preferred), "--preempt", Boolean.toString(preempt),
        "--preempt-delay-ms", Long.toString(preemptDelay.toMillis()),
        "--defer-pools", Boolean.toString(deferPools)));
    if (iface != null) {
      args.addAll(List.of("--interface", iface));
    }
    return args;
  }

  /** Parses {@link #toArgs()}; every key but {@code --interface} is required. */
  public static NodeOptions parse(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException("invalid arguments: odd count " + args.length
          + " (expected: --key value pairs)");
    }
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("invalid option: " + args[i] + " (expected: --key)");
      }
      m.put(args[i].substring(2), args[i + 1]);
    }
    return new NodeOptions(
        required(m, "cluster-name"), required(m, "name"), required(m, "bind"),
        Integer.parseInt(required(m, "port")), split(required(m, "peers")),
        Integer.parseInt(required(m, "beacon-port")), required(m, "profile"),
        required(m, "quorum"), Integer.parseInt(required(m, "expected-size")),
        Path.of(required(m, "secret-file")), required(m, "pools"),
        split(m.getOrDefault("preferred", "")), Boolean.parseBoolean(required(m, "preempt")),
        Duration.ofMillis(Long.parseLong(required(m, "preempt-delay-ms"))), m.get("interface"),
        Boolean.parseBoolean(m.getOrDefault("defer-pools", "false")));
  }

  public FailureDetectionProfile failureDetection() {
    return profile.equals(HAZELCAST_ONLY.name())
        ? HAZELCAST_ONLY
        : FailureDetectionProfile.named(profile);
  }

  public Policy policy() {
    return new Policy(Quorum.valueOf(quorum.toUpperCase(Locale.ROOT)), expectedSize);
  }

  public List<InetSocketAddress> peerAddresses() {
    List<InetSocketAddress> out = new ArrayList<>();
    for (String peer : peers) {
      int colon = peer.lastIndexOf(':');
      out.add(new InetSocketAddress(address(peer.substring(0, colon)),
          Integer.parseInt(peer.substring(colon + 1))));
    }
    return out;
  }

  /** The pools of {@link #pools}, each with the preferred nodes and preemption of this node. */
  public List<Pool> poolList() {
    List<Pool> out = new ArrayList<>();
    for (String spec : pools.split(";")) {
      int eq = spec.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("invalid pool: " + spec + " (expected: name=vip,vip)");
      }
      List<InetAddress> vips = new ArrayList<>();
      for (String vip : spec.substring(eq + 1).split(",")) {
        vips.add(address(vip.trim()));
      }
      out.add(new Pool(spec.substring(0, eq), vips, Map.of(), preferred, preempt, preemptDelay));
    }
    return out;
  }

  /** Every VIP of every pool, in order. */
  public List<InetAddress> vips() {
    return poolList().stream().flatMap(p -> p.addresses().stream()).toList();
  }

  static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("invalid address: " + literal, e);
    }
  }

  private static List<String> split(String csv) {
    return csv.isBlank() ? List.of() : List.of(csv.split(","));
  }

  private static String required(Map<String, String> m, String key) {
    String value = m.get(key);
    if (value == null) {
      throw new IllegalArgumentException("missing option --" + key);
    }
    return value;
  }
}
