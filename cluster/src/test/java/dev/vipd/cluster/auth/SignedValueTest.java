package dev.vipd.cluster.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class SignedValueTest {
  static final ClusterSecret SECRET = ClusterSecret.of(ClusterSecretTest.KEY_A);
  final SignedValue ownership = new SignedValue(SECRET, "ownership/v1");

  @Test
  void sealedValueOpensToPayload() {
    byte[] payload = "198.51.100.100=h1@7".getBytes(StandardCharsets.UTF_8);
    byte[] sealed = ownership.seal(payload);

    assertThat(sealed).hasSize(payload.length + 32);
    assertThat(ownership.open(sealed)).hasValueSatisfying(p -> assertThat(p).isEqualTo(payload));
    assertThat(ownership.open(ownership.seal(new byte[0])))
        .hasValueSatisfying(p -> assertThat(p).isEmpty());
  }

  @Test
  void alteredTruncatedOrForeignValuesDoNotOpen() {
    byte[] sealed = ownership.seal(new byte[] {1, 2, 3, 4});

    for (int i = 0; i < sealed.length; i++) {
      byte[] altered = sealed.clone();
      altered[i] ^= 0x10;
      assertThat(ownership.open(altered)).as("byte %d altered", i).isEmpty();
    }
    assertThat(ownership.open(Arrays.copyOf(sealed, sealed.length - 1))).isEmpty();
    assertThat(ownership.open(new byte[31])).isEmpty();
    assertThat(ownership.open(null)).isEmpty();
    assertThat(new SignedValue(SECRET, "other").open(sealed)).isEmpty();
    assertThat(new SignedValue(ClusterSecret.of(ClusterSecretTest.KEY_B), "ownership/v1")
        .open(sealed)).isEmpty();
  }

  @Test
  void rotationKeyOpensOldValues() {
    byte[] sealed = ownership.seal(new byte[] {5});
    SignedValue rotated = new SignedValue(
        ClusterSecret.of(ClusterSecretTest.KEY_B, ClusterSecretTest.KEY_A), "ownership/v1");

    assertThat(rotated.open(sealed)).isPresent();
  }

  @Property(tries = 300)
  boolean garbageNeverOpensAndNeverThrows(@ForAll byte[] garbage) {
    return ownership.open(garbage).isEmpty();
  }

  @Property(tries = 200)
  boolean anyPayloadRoundTrips(@ForAll byte[] payload) {
    return Arrays.equals(ownership.open(ownership.seal(payload)).orElseThrow(), payload);
  }
}
