package dev.vipd.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.cluster.beacon.FailureDetectionProfile;
import dev.vipd.cluster.election.Policy;
import dev.vipd.cluster.election.Quorum;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterSettingsTest {
  @Test
  void aNodeNameLongerThanABeaconCarriesIsRefusedBeforeAnythingStarts() throws Exception {
    assertThat(ClusterSettings.MAX_NODE_NAME_BYTES).isEqualTo(64);
    assertThat(settings("h".repeat(64)).nodeName()).hasSize(64);
    assertThatThrownBy(() -> settings("h".repeat(65)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid node name: 65 bytes (expected: 1-64 bytes of UTF-8)");
    // UTF-8 bytes, not characters: 33 two-byte characters are 66 bytes.
    assertThatThrownBy(() -> settings("é".repeat(33)))
        .hasMessage("invalid node name: 66 bytes (expected: 1-64 bytes of UTF-8)");
  }

  private static ClusterSettings settings(String name) throws Exception {
    return new ClusterSettings("c", name, Map.of(), InetAddress.getByName("127.0.0.1"), 5701,
        List.of(), 5702, FailureDetectionProfile.DEFAULT, new Policy(Quorum.NONE, 1),
        ClusterSecret.of(CoordinatorLab.KEY), null);
  }
}
