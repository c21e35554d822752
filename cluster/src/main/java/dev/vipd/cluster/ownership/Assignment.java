package dev.vipd.cluster.ownership;

import dev.vipd.cluster.election.Reason;
import java.net.InetAddress;
import java.util.Objects;

/**
 * An ownership as published in the shared table, where it is sealed with the cluster secret.
 *
 * @param vip the virtual IP
 * @param pool the pool the VIP belongs to
 * @param node the owner's node name
 * @param epoch at least 1; every change of owner increments it
 * @param reason why the VIP moved to {@code node} ({@link Reason#PLACEMENT} for a first placement)
 * @param sinceMillis wall-clock time the writer published this ownership
 * @param noticedAtMillis wall-clock time the writer noticed the cause (member loss, suspicion,
 *     health...), at most {@code sinceMillis}
 */
public record Assignment(
    InetAddress vip,
    String pool,
    String node,
    long epoch,
    Reason reason,
    long sinceMillis,
    long noticedAtMillis) {

  public Assignment {
    Objects.requireNonNull(vip, "vip");
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(reason, "reason");
    if (node.isBlank()) {
      throw new IllegalArgumentException("invalid node: \"" + node + "\" (expected: a name)");
    }
    if (epoch < 1) {
      throw new IllegalArgumentException("invalid epoch: " + epoch + " (expected: >= 1)");
    }
  }
}
