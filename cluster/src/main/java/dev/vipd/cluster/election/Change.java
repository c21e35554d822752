package dev.vipd.cluster.election;

import java.net.InetAddress;
import java.util.Objects;

/**
 * One VIP that changed owner in an election.
 *
 * @param vip the address
 * @param pool the pool it belongs to
 * @param from the previous owner, or {@code null} when the VIP had none
 * @param to the new owner, or {@code null} when the VIP is released
 * @param epoch the new ownership's epoch; for a release, the epoch of the ownership that ended
 * @param reason why it moved
 */
public record Change(
    InetAddress vip, String pool, String from, String to, long epoch, Reason reason) {

  public Change {
    Objects.requireNonNull(vip, "vip");
    Objects.requireNonNull(pool, "pool");
    Objects.requireNonNull(reason, "reason");
    if (Objects.equals(from, to)) {
      throw new IllegalArgumentException(
          "invalid change of "
              + vip.getHostAddress()
              + ": "
              + from
              + " -> "
              + to
              + " (expected: different owners)");
    }
    if (epoch < 1) {
      throw new IllegalArgumentException("invalid epoch: " + epoch + " (expected: >= 1)");
    }
  }
}
