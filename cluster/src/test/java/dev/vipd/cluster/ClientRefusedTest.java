package dev.vipd.cluster;

import static dev.vipd.cluster.ClusterNodeTest.ALL;
import static dev.vipd.cluster.ClusterNodeTest.POOLS;
import static dev.vipd.cluster.ClusterNodeTest.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * A real Hazelcast client (from the hazelcast jar) that knows the cluster name cannot connect to
 * a vipd member; the same client connects to a plain Hazelcast member, so the refusal is the
 * member's configuration and not the client's.
 */
class ClientRefusedTest {
  @Test
  void aHazelcastClientCannotConnectToAVipdMember() throws Exception {
    try (LocalCluster c = new LocalCluster(1, POOLS)) {
      c.start(0);
      await().atMost(WAIT).until(() -> c.recorder("n1").vips().equals(ALL));

      assertThatThrownBy(() -> HazelcastClient.newHazelcastClient(
          client(c.name, "127.0.0.1:" + c.hazelcastPort)).shutdown())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Unable to connect");

      assertThat(c.node("n1").status().members()).hasSize(1);
      assertThat(c.recorder("n1").vips()).isEqualTo(ALL);
      assertThat(c.recorder("n1").events()).noneMatch(e -> !e.acquired());
    }
  }

  @Test
  void theSameClientConnectsToAPlainMember() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Config plain = new Config().setClusterName("plain-" + port);
    plain.setProperty("hazelcast.logging.type", "slf4j");
    plain.setProperty("hazelcast.phone.home.enabled", "false");
    plain.getJetConfig().setEnabled(false);
    plain.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
    plain.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    plain.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    plain.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    HazelcastInstance member = Hazelcast.newHazelcastInstance(plain);
    try {
      HazelcastInstance client =
          HazelcastClient.newHazelcastClient(client("plain-" + port, "127.0.0.1:" + port));
      try {
        assertThat(client.getCluster().getMembers()).hasSize(1);
      } finally {
        client.shutdown();
      }
    } finally {
      member.getLifecycleService().terminate();
    }
  }

  private static ClientConfig client(String cluster, String address) {
    ClientConfig config = new ClientConfig();
    config.setClusterName(cluster);
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.getNetworkConfig().addAddress(address);
    config.getConnectionStrategyConfig().getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(4_000);
    return config;
  }
}
