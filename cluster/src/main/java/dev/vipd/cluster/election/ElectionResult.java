package dev.vipd.cluster.election;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of one election.
 *
 * @param owners every owned VIP with its owner and epoch, in pool-name then address order; a VIP
 *     absent here is owned by nobody
 * @param quorum whether this side of the cluster had quorum
 * @param changes the VIPs whose owner differs from the input's current owners, in the same order
 */
public record ElectionResult(
    Map<InetAddress, Ownership> owners, boolean quorum, List<Change> changes) {

  public ElectionResult {
    owners = VipMap.copyOf(Objects.requireNonNull(owners, "owners"));
    changes = List.copyOf(Objects.requireNonNull(changes, "changes"));
  }
}
