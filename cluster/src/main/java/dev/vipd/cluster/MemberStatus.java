package dev.vipd.cluster;

import dev.vipd.cluster.member.WireState;
import java.util.Objects;
import java.util.Set;

/**
 * One member of the Hazelcast view as this node sees it.
 *
 * @param name the node name from its member attributes
 * @param address its Hazelcast address, {@code host:port}
 * @param verified whether its signed identity checked out with this node's secret
 * @param suspected whether this node's beacons suspect it
 * @param drained whether its published status says drained
 * @param leaving whether it is handing its VIPs over before stopping
 * @param unhealthyPools pools whose health checks fail on it
 * @param linkDownPools pools whose interface has no carrier on it
 * @param self whether this is the local node
 * @param startTimeMillis its incarnation (start time: an id, compared only)
 * @param wire what it published about the wire check (pool MACs, silent owners, suspicion)
 */
public record MemberStatus(
    String name,
    String address,
    boolean verified,
    boolean suspected,
    boolean drained,
    boolean leaving,
    Set<String> unhealthyPools,
    Set<String> linkDownPools,
    boolean self,
    long startTimeMillis,
    WireState wire) {

  public MemberStatus {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    unhealthyPools = Set.copyOf(unhealthyPools);
    linkDownPools = Set.copyOf(linkDownPools);
    Objects.requireNonNull(wire, "wire");
  }
}
