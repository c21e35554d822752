package dev.vipd.daemon;

import dev.vipd.cluster.ClusterSettings;
import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.cluster.election.ElectionInput;
import dev.vipd.cluster.election.Policy;
import dev.vipd.cluster.election.Pool;
import dev.vipd.cluster.election.Quorum;
import dev.vipd.daemon.config.ConfigException;
import dev.vipd.daemon.config.ConfigProblem;
import dev.vipd.daemon.config.PoolConfig;
import dev.vipd.daemon.config.VipdConfig;
import dev.vipd.protocol.raw.LibC;
import dev.vipd.protocol.wire.InetAddresses;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps the validated configuration onto the cluster module's types: the election's pools and
 * policy, and the member's settings. Health checks, hooks and announce settings need no mapping:
 * the config binders build those components' own specs.
 */
final class Specs {
  private Specs() {}

  /**
   * The election's pools for {@code config}, checked the way the cluster will check them, so that
   * a reload the election would refuse is refused before anything changes.
   *
   * @throws ConfigException naming the pools when the election refuses them
   */
  static List<Pool> pools(VipdConfig config) throws ConfigException {
    List<Pool> pools = new ArrayList<>();
    try {
      for (PoolConfig p : config.pools()) {
        pools.add(new Pool(p.name(), p.addresses(), p.nodeSelector(), p.preferredNodes(),
            p.preempt(), p.preemptDelay()));
      }
      // The election input validates pool names and VIP uniqueness across pools.
      new ElectionInput(List.of(), pools, Map.of(), Set.of(), policy(config), 0);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(List.of(new ConfigProblem(config.originOf("vipd.pools"),
          "vipd.pools", e.getMessage())));
    }
    return pools;
  }

  /**
   * The unicast targets of every VIP, per interface: what {@link DataPlane#unicastTargets} takes
   * ({@code announce.unicast-targets} of each VIP's pool; pools without targets are left out).
   */
  static Map<String, Map<InetAddress, List<InetAddress>>> unicastTargets(VipdConfig config) {
    Map<String, Map<InetAddress, List<InetAddress>>> out = new LinkedHashMap<>();
    for (PoolConfig pool : config.pools()) {
      if (pool.unicastTargets().isEmpty()) {
        continue;
      }
      Map<InetAddress, List<InetAddress>> byVip =
          out.computeIfAbsent(pool.interfaceName(), k -> new LinkedHashMap<>());
      pool.addresses().forEach(vip -> byVip.put(vip, pool.unicastTargets()));
    }
    return out;
  }

  /**
   * The pools this node has loaded, as it declares them to the cluster: pool name to a digest of
   * its addresses (SHA-256 over the sorted canonical address texts, hex). The writer places a VIP
   * only on nodes that declare its pool with the same digest (issue 8, rule 3), so a VIP is never
   * placed on a node whose file does not have it yet. Sent at start and after every reload.
   */
  static Map<String, String> poolDigests(VipdConfig config) {
    Map<String, String> out = new LinkedHashMap<>();
    for (PoolConfig p : config.pools()) {
      List<String> texts = new ArrayList<>();
      p.addresses().forEach(a -> texts.add(InetAddresses.format(a)));
      Collections.sort(texts);
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        out.put(p.name(), HexFormat.of().formatHex(
            sha.digest(String.join(",", texts).getBytes(StandardCharsets.US_ASCII))));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is required of every JVM", e);
      }
    }
    return out;
  }

  static Policy policy(VipdConfig config) {
    Quorum quorum = config.cluster().quorum();
    return new Policy(quorum, Math.max(1, config.cluster().expectedSize()));
  }

  static ClusterSettings clusterSettings(VipdConfig c, ClusterSecret secret) throws IOException {
    InetAddress bind = bindAddress(c.cluster().bind());
    List<InetSocketAddress> peers = new ArrayList<>();
    for (InetAddress peer : c.cluster().peers()) {
      peers.add(new InetSocketAddress(peer, c.cluster().port()));
    }
    return new ClusterSettings(c.cluster().name(), c.node().name(), c.node().labels(), bind,
        c.cluster().port(), peers, c.cluster().beaconPort(), c.cluster().failureDetection(),
        policy(c), secret, ClusterSettings.DEFAULT_HANDOVER_GRACE);
  }

  /** An address literal as is; an interface name as its first IPv4 (else IPv6) address. */
  static InetAddress bindAddress(String bind) throws IOException {
    if (bind.matches("[0-9.]+") || bind.contains(":")) {
      return InetAddress.getByName(bind); // a literal: no lookup happens
    }
    NetworkInterface nif = NetworkInterface.getByName(bind);
    if (nif == null) {
      throw new IOException("cluster.bind: interface " + bind + " not found");
    }
    List<InetAddress> addresses = Collections.list(nif.getInetAddresses());
    return addresses.stream().filter(a -> a instanceof Inet4Address).findFirst()
        .or(() -> addresses.stream().filter(a -> !a.isLinkLocalAddress()).findFirst())
        .orElseThrow(() -> new IOException("cluster.bind: interface " + bind
            + " has no address"));
  }

  /**
   * Whether this host (this network namespace) has an interface called {@code name}. Asks the
   * kernel ({@code if_nametoindex}): {@link NetworkInterface#getByName} lists only interfaces
   * that carry an IP address, and a pool's interface may have none (a bare VLAN, a NIC kept for
   * VIPs only).
   */
  static boolean interfaceExists(String name) {
    return !name.isEmpty() && name.length() < 16 && name.indexOf('/') < 0
        && LibC.INSTANCE.if_nametoindex(name) != 0;
  }
}
