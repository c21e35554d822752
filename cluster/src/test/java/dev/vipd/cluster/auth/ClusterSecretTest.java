package dev.vipd.cluster.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ClusterSecretTest {
  static final String KEY_A_HEX =
      "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
  static final byte[] KEY_A = HexFormat.of().parseHex(KEY_A_HEX);
  static final byte[] KEY_B = filled(32, (byte) 0x5b);

  @TempDir Path dir;

  static byte[] filled(int length, byte value) {
    byte[] key = new byte[length];
    java.util.Arrays.fill(key, value);
    return key;
  }

  private Path write(String content, String mode) throws IOException {
    Path file = dir.resolve("cluster.key");
    Files.writeString(file, content, StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
    return file;
  }

  @Test
  void loadsHexKeyWithCommentsAndBlankLines() throws Exception {
    ClusterSecret secret = ClusterSecret.load(write("# vipd key\n\n" + KEY_A_HEX + "\n", "rw-------"));

    assertThat(secret.keyCount()).isEqualTo(1);
    assertThat(secret.sign("m".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(ClusterSecret.of(KEY_A).sign("m".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void loadsBase64KeysInReadOnlyFile() throws Exception {
    String b64 = Base64.getEncoder().encodeToString(KEY_B);
    String url = Base64.getUrlEncoder().withoutPadding().encodeToString(filled(40, (byte) 0xfb));
    ClusterSecret secret = ClusterSecret.load(write(b64 + "\n" + url + "\n", "r--------"));

    assertThat(secret.keyCount()).isEqualTo(2);
    byte[] message = {1, 2, 3};
    assertThat(secret.sign(message)).isEqualTo(ClusterSecret.of(KEY_B).sign(message));
  }

  @Test
  void missingFileIsRefusedByName() {
    Path file = dir.resolve("absent.key");
    assertThatThrownBy(() -> ClusterSecret.load(file))
        .isInstanceOf(SecretFileException.class)
        .hasMessage("secret file " + file + " not found");
  }

  @ParameterizedTest
  @ValueSource(strings = {"rw-r--r--", "rw-rw----", "rw-------x", "r-----r--"})
  void fileOpenToGroupOrOthersIsRefused(String mode) throws Exception {
    String perms = mode.length() == 10 ? "rw-----w-" : mode;
    Path file = write(KEY_A_HEX, perms);
    String octal = String.format("%04o", modeBits(perms));
    assertThatThrownBy(() -> ClusterSecret.load(file))
        .hasMessage("secret file " + file + " has mode " + octal + " (expected: 0600 or 0400)")
        .hasMessageNotContaining(KEY_A_HEX);
  }

  private static int modeBits(String perms) {
    int mode = 0;
    for (int i = 0; i < 9; i++) {
      mode = (mode << 1) | (perms.charAt(i) == '-' ? 0 : 1);
    }
    return mode;
  }

  @Test
  void emptyFileIsRefused() throws Exception {
    Path file = write("# only a comment\n\n", "rw-------");
    assertThatThrownBy(() -> ClusterSecret.load(file))
        .hasMessage("secret file " + file + " is empty (expected: 1-2 keys)");
  }

  @Test
  void shortKeyIsRefusedWithoutShowingIt() throws Exception {
    String shortKey = "00112233445566778899aabbccddeeff";
    Path file = write(shortKey + "\n", "rw-------");
    assertThatThrownBy(() -> ClusterSecret.load(file))
        .hasMessage(
            "secret file " + file + " line 1: key too short: 16 bytes (expected: >= 32)")
        .hasMessageNotContaining(shortKey);
  }

  @Test
  void thirdKeyIsRefused() throws Exception {
    Path file = write(KEY_A_HEX + "\n" + KEY_A_HEX + "\n# c\n" + KEY_A_HEX + "\n", "rw-------");
    assertThatThrownBy(() -> ClusterSecret.load(file))
        .hasMessageStartingWith("secret file " + file + " line 4: more than 2 keys");
  }

  @Test
  void garbageKeyIsRefusedWithoutShowingIt() throws Exception {
    String garbage = "not a key at all!!";
    Path file = write(garbage, "rw-------");
    assertThatThrownBy(() -> ClusterSecret.load(file))
        .hasMessage("secret file " + file + " line 1: key is neither hex nor base64")
        .hasMessageNotContaining(garbage);
  }

  @Test
  void firstKeySignsEveryKeyVerifies() {
    byte[] message = "vip 198.51.100.100".getBytes(StandardCharsets.UTF_8);
    ClusterSecret old = ClusterSecret.of(KEY_A);
    ClusterSecret rotating = ClusterSecret.of(KEY_B, KEY_A);
    ClusterSecret other = ClusterSecret.of(filled(32, (byte) 7));

    assertThat(rotating.verify(message, old.sign(message))).isTrue();
    assertThat(rotating.verify(message, rotating.sign(message))).isTrue();
    assertThat(old.verify(message, rotating.sign(message))).isFalse();
    assertThat(other.verify(message, old.sign(message))).isFalse();
  }

  @Test
  void verifyRejectsAlteredMessageOrMacAndBadLengths() {
    byte[] message = {9, 8, 7};
    ClusterSecret secret = ClusterSecret.of(KEY_A);
    byte[] mac = secret.sign(message);

    assertThat(secret.verify(new byte[] {9, 8, 6}, mac)).isFalse();
    mac[31] ^= 1;
    assertThat(secret.verify(message, mac)).isFalse();
    assertThat(secret.verify(message, new byte[16])).isFalse();
    assertThat(secret.verify(message, null)).isFalse();
    byte[] good = secret.sign(message);
    assertThat(secret.verify(message, 0, 3, good, 0, 16)).isTrue();
    assertThat(secret.verify(message, 0, 3, good, 0, 15)).isFalse();
  }

  @Test
  void toStringShowsNoKeyMaterial() {
    ClusterSecret secret = ClusterSecret.of(KEY_A, KEY_B);
    assertThat(secret.toString()).isEqualTo("ClusterSecret[keys=2]");
  }

  @Test
  void ofRefusesShortKeys() {
    assertThatThrownBy(() -> ClusterSecret.of(new byte[31]))
        .hasMessage("key 1 too short: 31 bytes (expected: >= 32)");
  }
}
