package dev.vipd.cluster.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.cluster.ownership.Assignment;
import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.cluster.election.Reason;
import java.net.InetAddress;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The merge rule after a healed split, as a pure function over sealed values. */
class OwnersMergePolicyTest {
  private static final AssignmentCodec CODEC = new AssignmentCodec(ClusterSecret.of(key()));

  @Test
  void higherEpochWinsWhicheverSideItIsOn() throws Exception {
    byte[] e3 = sealed("n2", 3);
    byte[] e4 = sealed("n9", 4);
    assertThat(OwnersMergePolicy.prefersMerging(e4, e3)).isTrue();
    assertThat(OwnersMergePolicy.prefersMerging(e3, e4)).isFalse();
  }

  @Test
  void equalEpochsGoToTheSmallerNodeName() throws Exception {
    byte[] a = sealed("a", 5);
    byte[] b = sealed("b", 5);
    assertThat(OwnersMergePolicy.prefersMerging(a, b)).isTrue();
    assertThat(OwnersMergePolicy.prefersMerging(b, a)).isFalse();
    assertThat(OwnersMergePolicy.prefersMerging(a, a)).isFalse(); // identical: keep existing
  }

  @Test
  void undecodableValuesLose() throws Exception {
    byte[] good = sealed("n1", 1);
    byte[] junk = new byte[] {9, 9, 9};
    assertThat(OwnersMergePolicy.prefersMerging(junk, good)).isFalse();
    assertThat(OwnersMergePolicy.prefersMerging(good, junk)).isTrue();
    assertThat(OwnersMergePolicy.prefersMerging(null, junk)).isFalse();
  }

  @Test
  void sealedValuesRoundTripAndForeignOnesDoNotOpen() throws Exception {
    Assignment a = assignment("n1", 7);
    assertThat(CODEC.open(CODEC.seal(a))).contains(a);
    assertThat(CODEC.openRemoval(CODEC.seal(a))).isEmpty();
    byte[] other = new byte[32];
    Arrays.fill(other, (byte) 1);
    assertThat(new AssignmentCodec(ClusterSecret.of(other)).open(CODEC.seal(a))).isEmpty();
  }

  @Test
  void vipTextIsRfc5952() throws Exception {
    assertThat(Vips.format(InetAddress.getByName("2001:db8:0:0:0:0:0:100"))).isEqualTo(
        "2001:db8::100");
    assertThat(Vips.format(InetAddress.getByName("2001:db8:0:0:1:0:0:1"))).isEqualTo(
        "2001:db8::1:0:0:1");
    assertThat(Vips.format(InetAddress.getByName("2001:db8:1:1:1:1:1:1"))).isEqualTo(
        "2001:db8:1:1:1:1:1:1");
    assertThat(Vips.format(InetAddress.getByName("198.51.100.7"))).isEqualTo("198.51.100.7");
  }

  private static byte[] sealed(String node, long epoch) throws Exception {
    return CODEC.seal(assignment(node, epoch));
  }

  private static Assignment assignment(String node, long epoch) throws Exception {
    return new Assignment(InetAddress.getByName("198.51.100.1"), "web", node, epoch,
        Reason.MEMBER_LOST, 1_000, 900);
  }

  private static byte[] key() {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 3);
    return key;
  }
}
