package dev.vipd.cluster.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NodeIdentityTest {
  static final ClusterSecret SECRET = ClusterSecret.of(ClusterSecretTest.KEY_A);
  static final NodeIdentity H1 = new NodeIdentity("h1", "198.51.100.11:5701", 1_700_000_000_000L);

  @Test
  void signedIdentityVerifies() {
    String token = H1.sign(SECRET);

    assertThat(token).hasSize(43).matches("[A-Za-z0-9_-]+");
    assertThat(NodeIdentity.verify(H1, token, SECRET)).isTrue();
  }

  @Test
  void tamperingWithAnyFieldFails() {
    String token = H1.sign(SECRET);

    assertThat(NodeIdentity.verify(new NodeIdentity("h2", H1.address(), H1.startTimeMillis()),
        token, SECRET)).isFalse();
    assertThat(NodeIdentity.verify(new NodeIdentity("h1", "198.51.100.12:5701",
        H1.startTimeMillis()), token, SECRET)).isFalse();
    assertThat(NodeIdentity.verify(new NodeIdentity("h1", H1.address(),
        H1.startTimeMillis() + 1), token, SECRET)).isFalse();
  }

  @Test
  void fieldBoundariesAreUnambiguous() {
    NodeIdentity a = new NodeIdentity("h1", "1:5701", 5);
    NodeIdentity b = new NodeIdentity("h11", ":5701", 5);

    assertThat(NodeIdentity.verify(b, a.sign(SECRET), SECRET)).isFalse();
  }

  @Test
  void tamperedOrMalformedTokenFails() {
    String token = H1.sign(SECRET);
    char flipped = token.charAt(5) == 'A' ? 'B' : 'A';
    String tampered = token.substring(0, 5) + flipped + token.substring(6);

    assertThat(NodeIdentity.verify(H1, tampered, SECRET)).isFalse();
    assertThat(NodeIdentity.verify(H1, token.substring(1), SECRET)).isFalse();
    assertThat(NodeIdentity.verify(H1, "!!not base64!!", SECRET)).isFalse();
    assertThat(NodeIdentity.verify(H1, "", SECRET)).isFalse();
    assertThat(NodeIdentity.verify(H1, null, SECRET)).isFalse();
  }

  @Test
  void secondKeyVerifiesDuringRotation() {
    ClusterSecret newFirst = ClusterSecret.of(ClusterSecretTest.KEY_B, ClusterSecretTest.KEY_A);

    assertThat(NodeIdentity.verify(H1, H1.sign(SECRET), newFirst)).isTrue();
    assertThat(NodeIdentity.verify(H1, H1.sign(newFirst), newFirst)).isTrue();
  }

  @Test
  void differentSecretFails() {
    ClusterSecret other = ClusterSecret.of(ClusterSecretTest.KEY_B);

    assertThat(NodeIdentity.verify(H1, H1.sign(SECRET), other)).isFalse();
  }

  @Test
  void rejectsInvalidFields() {
    assertThatThrownBy(() -> new NodeIdentity("", "a", 1))
        .hasMessage("invalid name length: 0 bytes (expected: 1-255)");
    assertThatThrownBy(() -> new NodeIdentity("h1", "a", -1))
        .hasMessage("invalid start time: -1 (expected: >= 0)");
  }
}
