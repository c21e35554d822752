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
 * @param unicastTargets neighbours that get a unicast announcement ({@code announce.unicast-targets})
 * @param wireCheck the pool's {@code wire-check} block
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
    List<InetAddress> unicastTargets,
    WireCheckConfig wireCheck) {

  public PoolConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(interfaceName, "interfaceName");
    addresses = List.copyOf(addresses);
    nodeSelector = Map.copyOf(nodeSelector);
    preferredNodes = List.copyOf(preferredNodes);
    Objects.requireNonNull(preemptDelay, "preemptDelay");
    healthChecks = List.copyOf(healthChecks);
    unicastTargets = List.copyOf(unicastTargets);
    Objects.requireNonNull(wireCheck, "wireCheck");
  }

  /** A pool with the default wire check. */
  public PoolConfig(String name, String interfaceName, List<InetAddress> addresses,
      Map<String, String> nodeSelector, List<String> preferredNodes, boolean preempt,
      Duration preemptDelay, List<String> healthChecks, List<InetAddress> unicastTargets) {
    this(name, interfaceName, addresses, nodeSelector, preferredNodes, preempt, preemptDelay,
        healthChecks, unicastTargets, WireCheckConfig.DEFAULT);
  }
}
