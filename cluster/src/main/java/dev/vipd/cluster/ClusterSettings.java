package dev.vipd.cluster;

import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.cluster.beacon.Beacon;
import dev.vipd.cluster.beacon.FailureDetectionProfile;
import dev.vipd.cluster.election.Policy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything a {@link ClusterNode} needs to join, from the daemon's {@code vipd.node} and {@code
 * vipd.cluster} configuration.
 *
 * @param clusterName the Hazelcast cluster name (travels in clear text: not a secret)
 * @param nodeName this node's stable name, unique in the cluster
 * @param labels this node's labels, matched against pools' node selectors
 * @param bindAddress the address Hazelcast and the beacons bind to and advertise
 * @param port the Hazelcast member port (no auto-increment)
 * @param peers the Hazelcast members to join through (TCP-IP join); may include this node
 * @param beaconPort the UDP port of the liveness beacons, the same on every node
 * @param profile beacon interval and suspicion timeout
 * @param policy quorum policy
 * @param secret the cluster secret
 * @param handoverGrace how long a draining or leaving node keeps answering for a VIP after it saw
 *     the successor named; {@code null} means 200 ms
 */
public record ClusterSettings(
    String clusterName,
    String nodeName,
    Map<String, String> labels,
    InetAddress bindAddress,
    int port,
    List<InetSocketAddress> peers,
    int beaconPort,
    FailureDetectionProfile profile,
    Policy policy,
    ClusterSecret secret,
    Duration handoverGrace) {

  /**
   * The longest node name, in UTF-8 bytes: what a liveness beacon can carry. Configuration
   * validation refuses longer names before anything starts.
   */
  public static final int MAX_NODE_NAME_BYTES = Beacon.MAX_NAME_BYTES;

  /** Long enough for the successor's gratuitous ARP / unsolicited NA to leave the host. */
  public static final Duration DEFAULT_HANDOVER_GRACE = Duration.ofMillis(200);

  public ClusterSettings {
    Objects.requireNonNull(clusterName, "clusterName");
    if (clusterName.isBlank()) {
      throw new IllegalArgumentException("invalid cluster name: \"\" (expected: a name)");
    }
    Objects.requireNonNull(nodeName, "nodeName");
    if (nodeName.isBlank()) {
      throw new IllegalArgumentException("invalid node name: \"" + nodeName + "\" (expected: a name)");
    }
    int nameBytes = nodeName.getBytes(StandardCharsets.UTF_8).length;
    if (nameBytes > MAX_NODE_NAME_BYTES) {
      throw new IllegalArgumentException("invalid node name: " + nameBytes + " bytes (expected: 1-"
          + MAX_NODE_NAME_BYTES + " bytes of UTF-8)");
    }
    labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
    Objects.requireNonNull(bindAddress, "bindAddress");
    checkPort("port", port);
    checkPort("beacon port", beaconPort);
    peers = List.copyOf(Objects.requireNonNull(peers, "peers"));
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(secret, "secret");
    handoverGrace = handoverGrace == null ? DEFAULT_HANDOVER_GRACE : handoverGrace;
    if (handoverGrace.isNegative() || handoverGrace.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new IllegalArgumentException(
          "invalid handover grace: " + handoverGrace.toMillis() + "ms (expected: 0-10000ms)");
    }
  }

  /** How many members the configuration names: this node plus the distinct other peers. */
  public int expectedMembers() {
    Set<String> others = new HashSet<>();
    for (InetSocketAddress peer : peers) {
      if (!(peer.getAddress().equals(bindAddress) && peer.getPort() == port)) {
        others.add(peer.getAddress().getHostAddress() + ":" + peer.getPort());
      }
    }
    return 1 + others.size();
  }

  private static void checkPort(String what, int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(
          "invalid " + what + ": " + port + " (expected: 1-65535)");
    }
  }

  /** The configured cluster hosts other than this one, at the beacon port. */
  List<InetSocketAddress> otherHosts() {
    Set<InetSocketAddress> hosts = new LinkedHashSet<>();
    for (InetSocketAddress peer : peers()) {
      if (!peer.getAddress().equals(bindAddress())) {
        hosts.add(new InetSocketAddress(peer.getAddress(), beaconPort()));
      }
    }
    return List.copyOf(hosts);
  }
}
