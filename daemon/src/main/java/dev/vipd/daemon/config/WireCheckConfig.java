package dev.vipd.daemon.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * A pool's {@code wire-check} block (issue 13): whether this node checks from the wire that the
 * owners of the pool's VIPs answer, how often, and after how many unanswered rounds an owner is
 * reported silent.
 *
 * @param enabled whether this node runs the check for the pool (and publishes its MAC for it)
 * @param interval one round: every VIP of the pool is probed once per interval by some peer
 * @param misses consecutive unanswered rounds before the owner is reported {@code wire-silent}
 * @param sourceAddress the IPv4 sender address of ARP probes when set; null: the interface's
 *     own address is not used, probes go out with sender 0.0.0.0 (an RFC 5227 ARP probe)
 */
public record WireCheckConfig(
    boolean enabled, Duration interval, int misses, InetAddress sourceAddress) {

  /** The defaults of the reference configuration. */
  public static final WireCheckConfig DEFAULT =
      new WireCheckConfig(true, Duration.ofSeconds(2), 3, null);

  public WireCheckConfig {
    Objects.requireNonNull(interval, "interval");
    if (misses < 1) {
      throw new IllegalArgumentException("invalid misses: " + misses + " (expected: >= 1)");
    }
  }

  /** How long a silent owner takes to be reported: {@code interval × misses}. */
  public Duration detection() {
    return interval.multipliedBy(misses);
  }
}
