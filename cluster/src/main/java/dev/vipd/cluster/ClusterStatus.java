package dev.vipd.cluster;

import dev.vipd.cluster.ownership.Assignment;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A snapshot of the cluster as one node sees it.
 *
 * @param nodeName the local node
 * @param writer the member that writes the ownership table, or {@code null} when none qualifies
 * @param quorum whether the local view has quorum under the policy
 * @param fenced whether the local node is fenced after a pause
 * @param members the Hazelcast members, oldest first
 * @param owners the verified ownership table (highest epoch seen per VIP)
 * @param problems why this node owns nothing although it could, each with what to fix (empty
 *     when there is none)
 */
public record ClusterStatus(
    String nodeName,
    String writer,
    boolean quorum,
    boolean fenced,
    List<MemberStatus> members,
    Map<InetAddress, Assignment> owners,
    List<String> problems) {

  public ClusterStatus {
    Objects.requireNonNull(nodeName, "nodeName");
    members = List.copyOf(members);
    owners = Map.copyOf(owners);
    problems = List.copyOf(problems);
  }
}
