package dev.vipd.daemon.config;

import dev.vipd.cluster.beacon.FailureDetectionProfile;
import dev.vipd.cluster.election.Quorum;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How this node finds and trusts its peers. None of it can change without a restart.
 *
 * @param bind interface name or address literal for cluster traffic
 * @param expectedSize cluster size for {@link Quorum#MAJORITY}; 0 when not set
 */
public record ClusterConfig(
    String name,
    String bind,
    int port,
    int beaconPort,
    List<InetAddress> peers,
    Path secretFile,
    Quorum quorum,
    int expectedSize,
    FailureDetectionProfile failureDetection) {

  public ClusterConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(bind, "bind");
    peers = List.copyOf(peers);
    Objects.requireNonNull(secretFile, "secretFile");
    Objects.requireNonNull(quorum, "quorum");
    Objects.requireNonNull(failureDetection, "failureDetection");
  }
}
