package dev.vipd.daemon.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A pool of VIPs served on one interface.
 *
 * @param addresses every VIP of the pool, ranges and CIDRs expanded, in file order
 * @param nodeSelector labels a node must carry (all of them) to own this pool's VIPs
 * @param preferredNodes nodes that take a VIP back when {@code preempt} is on
 * @param healthChecks names of checks that must pass on a node for it to be eligible
 */
public record PoolConfig(
    String name,
    String interfaceName,
    List<InetAddress> addresses,
    Map<String, String> nodeSelector,
    List<String> preferredNodes,
    boolean preempt,
    Duration preemptDelay,
    List<String> healthChecks,
    List<InetAddress> unicastTargets) {

  public PoolConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(interfaceName, "interfaceName");
    addresses = List.copyOf(addresses);
    nodeSelector = Map.copyOf(nodeSelector);
    preferredNodes = List.copyOf(preferredNodes);
    Objects.requireNonNull(preemptDelay, "preemptDelay");
    healthChecks = List.copyOf(healthChecks);
    unicastTargets = List.copyOf(unicastTargets);
  }
}
