package dev.vipd.cluster.beacon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vipd.cluster.auth.ClusterSecret;
import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class BeaconTest {
  static final byte[] KEY_A = filled((byte) 0x11);
  static final byte[] KEY_B = filled((byte) 0x22);
  static final ClusterSecret SECRET = ClusterSecret.of(KEY_A);
  static final Beacon H1 = new Beacon("h1", 1_700_000_000_000L, 42, false);

  static byte[] filled(byte value) {
    byte[] key = new byte[32];
    Arrays.fill(key, value);
    return key;
  }

  @Test
  void layoutIsAsDocumented() {
    byte[] bytes = H1.encode(SECRET);
    String hex = HexFormat.of().formatHex(bytes);

    assertThat(bytes).hasSize(Beacon.FIXED_BYTES + 2);
    assertThat(hex).startsWith(
        "7642" // magic
            + "01" // version
            + "02" + "6831" // name "h1"
            + "0000018bcfe56800" // start time 1_700_000_000_000
            + "000000000000002a" // sequence 42
            + "00"); // flags
    byte[] mac = SECRET.sign(Arrays.copyOf(bytes, bytes.length - 16));
    assertThat(Arrays.copyOfRange(bytes, bytes.length - 16, bytes.length))
        .isEqualTo(Arrays.copyOf(mac, 16));
  }

  @Test
  void roundTrips() {
    Beacon leaving = new Beacon("nöde-ü", 5, Long.MAX_VALUE, true);

    assertThat(Beacon.decode(H1.encode(SECRET), SECRET)).isEqualTo(new Beacon.Decoded(H1));
    assertThat(Beacon.decode(leaving.encode(SECRET), SECRET))
        .isEqualTo(new Beacon.Decoded(leaving));
  }

  @Test
  void decodesWithinALargerBuffer() {
    byte[] bytes = H1.encode(SECRET);
    byte[] buffer = new byte[bytes.length + 10];
    System.arraycopy(bytes, 0, buffer, 3, bytes.length);

    assertThat(Beacon.decode(buffer, 3, bytes.length, SECRET)).isEqualTo(new Beacon.Decoded(H1));
  }

  @Test
  void rotationKeyVerifiesAndWrongKeyIsRejected() {
    byte[] bytes = H1.encode(SECRET);

    assertThat(Beacon.decode(bytes, ClusterSecret.of(KEY_B, KEY_A)))
        .isEqualTo(new Beacon.Decoded(H1));
    assertThat(Beacon.decode(bytes, ClusterSecret.of(KEY_B)))
        .isEqualTo(new Beacon.Rejected(BeaconVerdict.BAD_MAC));
  }

  @Test
  void hostileDatagramsAreRejectedWithReasons() {
    byte[] bytes = H1.encode(SECRET);

    assertThat(reason(new byte[0])).isEqualTo(BeaconVerdict.TRUNCATED);
    assertThat(reason(Arrays.copyOf(bytes, bytes.length - 1))).isEqualTo(BeaconVerdict.TRUNCATED);
    assertThat(reason(Arrays.copyOf(bytes, bytes.length + 1))).isEqualTo(BeaconVerdict.BAD_LENGTH);
    assertThat(reason(with(bytes, 0, 0x00))).isEqualTo(BeaconVerdict.BAD_MAGIC);
    assertThat(reason(with(bytes, 2, 0x02))).isEqualTo(BeaconVerdict.UNSUPPORTED_VERSION);
    assertThat(reason(with(bytes, 3, 0x00))).isEqualTo(BeaconVerdict.MALFORMED);
    assertThat(reason(with(bytes, 3, 65))).isEqualTo(BeaconVerdict.MALFORMED);
    assertThat(reason(with(bytes, 5, 'X'))).isEqualTo(BeaconVerdict.BAD_MAC); // name altered
    assertThat(reason(with(bytes, 21, 0x80))).isEqualTo(BeaconVerdict.BAD_MAC); // sequence
    assertThat(reason(with(bytes, bytes.length - 1, bytes[bytes.length - 1] ^ 1)))
        .isEqualTo(BeaconVerdict.BAD_MAC);
  }

  @Test
  void authenticButInvalidFieldsAreMalformed() {
    // Re-signed after setting a reserved flag bit: authentic, but not a valid beacon.
    byte[] bytes = H1.encode(SECRET);
    int flagsAt = bytes.length - 17;
    bytes[flagsAt] = (byte) 0x80;
    byte[] mac = SECRET.sign(bytes, 0, flagsAt + 1);
    System.arraycopy(mac, 0, bytes, flagsAt + 1, 16);

    assertThat(reason(bytes)).isEqualTo(BeaconVerdict.MALFORMED);
  }

  @Test
  void constructorValidates() {
    assertThatThrownBy(() -> new Beacon("x".repeat(65), 0, 0, false))
        .hasMessage("invalid node name length: 65 bytes (expected: 1-64)");
    assertThatThrownBy(() -> new Beacon("h1", 0, -1, false))
        .hasMessage("invalid sequence: -1 (expected: >= 0)");
  }

  private static BeaconVerdict reason(byte[] bytes) {
    Beacon.DecodeResult result = Beacon.decode(bytes, SECRET);
    assertThat(result).isInstanceOf(Beacon.Rejected.class);
    return ((Beacon.Rejected) result).reason();
  }

  private static byte[] with(byte[] bytes, int index, int value) {
    byte[] copy = bytes.clone();
    copy[index] = (byte) value;
    return copy;
  }

  @Property(tries = 2000)
  boolean randomBytesAreRejectedNeverThrown(@ForAll @Size(max = 200) byte[] garbage) {
    return Beacon.decode(garbage, SECRET) instanceof Beacon.Rejected;
  }

  @Property(tries = 2000)
  boolean randomBytesBehindAValidHeaderAreRejected(
      @ForAll @Size(min = 0, max = 120) byte[] tail, @ForAll @IntRange(min = 0, max = 255) int n) {
    byte[] bytes = new byte[4 + tail.length];
    bytes[0] = 0x76;
    bytes[1] = 0x42;
    bytes[2] = 1;
    bytes[3] = (byte) n;
    System.arraycopy(tail, 0, bytes, 4, tail.length);
    return Beacon.decode(bytes, SECRET) instanceof Beacon.Rejected;
  }

  @Property(tries = 1000)
  boolean anyMutationOfAValidBeaconIsRejected(
      @ForAll("beacons") Beacon beacon, @ForAll @IntRange(min = 0, max = 200) int position,
      @ForAll @IntRange(min = 1, max = 255) int xor) {
    byte[] bytes = beacon.encode(SECRET);
    bytes[position % bytes.length] ^= (byte) xor;
    return Beacon.decode(bytes, SECRET) instanceof Beacon.Rejected;
  }

  @Property(tries = 500)
  boolean validBeaconsRoundTrip(@ForAll("beacons") Beacon beacon) {
    return Beacon.decode(beacon.encode(SECRET), SECRET).equals(new Beacon.Decoded(beacon));
  }

  @Provide
  Arbitrary<Beacon> beacons() {
    return net.jqwik.api.Combinators.combine(
            Arbitraries.strings().alpha().numeric().withChars('-', '.', 'é').ofMinLength(1)
                .ofMaxLength(32),
            Arbitraries.longs().greaterOrEqual(0),
            Arbitraries.longs().greaterOrEqual(0),
            Arbitraries.of(true, false))
        .as(Beacon::new);
  }
}
