package dev.vipd.cluster.member;

import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.ReplicatedMapConfig;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.spi.merge.LatestUpdateMergePolicy;
import dev.vipd.cluster.ownership.OwnersMergePolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

/** Builds the embedded member's {@link Config} in code (no XML, no YAML, no defaults files). */
public final class HazelcastConfigs {
  /** The ownership table: VIP text to sealed {@code Assignment}. */
  public static final String OWNERS = "vipd-owners";

  /** Node status: node name to sealed {@link NodeState}. */
  public static final String NODES = "vipd-nodes";

  /** Ownership events: published besides the table so that no write waits on a dead member. */
  public static final String OWNER_EVENTS = "vipd-owner-events";

  private HazelcastConfigs() {}

  /**
   * The member's configuration.
   *
   * @param clusterName the Hazelcast cluster name
   * @param nodeName this node's name (part of the instance name)
   * @param bindAddress the address to bind to and advertise
   * @param port the member port (no auto-increment)
   * @param peers the members to join through; empty means this member alone
   * @param attributes the member attributes ({@link MemberAttributes#of})
   */
  public static Config build(String clusterName, String nodeName, InetAddress bindAddress,
      int port, List<InetSocketAddress> peers, Map<String, String> attributes) {
    Config config = new Config();
    config.setClusterName(clusterName);
    // Unique per JVM (tests run several members in one JVM, on one port and several loopback
    // addresses, and may give two of them one name to test the duplicate-name refusal).
    config.setInstanceName("vipd-" + nodeName + "-" + bindAddress.getHostAddress() + "-" + port);
    config.getMemberAttributeConfig().setAttributes(attributes);

    String host = bindAddress.getHostAddress();
    config.setProperty("hazelcast.local.localAddress", host);
    // Listen on the cluster address only, not on every interface (the default binds any).
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    // Silent death: heartbeats every second, removal after 3 s without one (defaults 5 s / 60 s).
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "3");
    // Loud death (RST): one connection fault is enough, checked every 20 ms (~0.12 s measured).
    config.setProperty("hazelcast.connection.monitor.interval", "20");
    config.setProperty("hazelcast.connection.monitor.max.faults", "1");
    // Healed splits merge within ~5 s instead of 300 s / 120 s.
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    // Powered-off peers: without this the first member hangs ~16 s in connect().
    config.setProperty("hazelcast.socket.connect.timeout.seconds", "1");
    // The first member waits this long for others before it forms a cluster alone (default 5 s);
    // peers are listed explicitly, so 1 s is plenty, and a double master merges within ~5 s.
    config.setProperty("hazelcast.wait.seconds.before.join", "1");
    // The daemon orders its own shutdown (hand-over first); a JVM hook would stop Hazelcast early.
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // No JMX beans and no diagnostics thread: nothing reads them, they cost start-up time.
    config.setProperty("hazelcast.jmx", "false");
    config.setProperty("hazelcast.diagnostics.enabled", "false");

    // Advanced networking with a member endpoint only: no client endpoint exists, so a Hazelcast
    // client (which would need only the clear-text cluster name) cannot connect and write the
    // tables; no REST or memcache endpoint either.
    AdvancedNetworkConfig network = config.getAdvancedNetworkConfig().setEnabled(true);
    ServerSocketEndpointConfig member = new ServerSocketEndpointConfig();
    member.setPort(port).setPortAutoIncrement(false).setPortCount(1);
    member.getInterfaces().setEnabled(true).addInterface(host);
    network.setMemberEndpointConfig(member);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2);
    for (InetSocketAddress peer : peers) {
      join.getTcpIpConfig().addMember(HostPort.format(peer.getAddress(), peer.getPort()));
    }
    if (peers.isEmpty()) {
      join.getTcpIpConfig().addMember(HostPort.format(bindAddress, port));
    }
    config.getJetConfig().setEnabled(false);
    config.getIntegrityCheckerConfig().setEnabled(false);

    // Reads must see the whole table as soon as the map proxy exists: no asynchronous fill-up.
    config.addReplicatedMapConfig(
        new ReplicatedMapConfig(OWNERS)
            .setInMemoryFormat(InMemoryFormat.BINARY)
            .setAsyncFillup(false)
            .setMergePolicyConfig(new MergePolicyConfig(OwnersMergePolicy.class.getName(), 100)));
    config.addReplicatedMapConfig(
        new ReplicatedMapConfig(NODES)
            .setInMemoryFormat(InMemoryFormat.BINARY)
            .setAsyncFillup(false)
            .setMergePolicyConfig(
                new MergePolicyConfig(LatestUpdateMergePolicy.class.getName(), 100)));
    return config;
  }
}
