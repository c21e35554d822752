package dev.vipd.cluster.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The cluster's shared secret: one or two HMAC-SHA256 keys.
 *
 * <p>The first key signs; every key verifies, so that a key can be rotated without a flag day:
 * add the new key as the second line on every host, restart them one by one, move it to the
 * first line everywhere, restart again, remove the old key.
 *
 * <p>File format ({@link #load(Path)}): one key per line, hex (only hex digits, even length) or
 * base64 (standard or URL-safe, padding optional), at least {@value #MIN_KEY_BYTES} bytes once
 * decoded; blank lines and lines starting with {@code #} are ignored. The file must not be
 * readable or writable by group or others. Generate a key with {@code openssl rand -hex 32}.
 *
 * <p>Key material never appears in {@link #toString()} or in exception messages. Instances are
 * immutable and thread-safe.
 */
public final class ClusterSecret {
  /** Shortest accepted key: the HMAC-SHA256 block input is 256 bits of security at best. */
  public static final int MIN_KEY_BYTES = 32;

  /** Signing key plus at most one key that only verifies (rotation). */
  public static final int MAX_KEYS = 2;

  /** Length of a full HMAC-SHA256 tag. */
  public static final int MAC_BYTES = 32;

  /** Shortest truncated tag {@link #verify(byte[], int, int, byte[], int, int)} accepts. */
  public static final int MIN_TRUNCATED_MAC_BYTES = 16;

  private static final String ALGORITHM = "HmacSHA256";
  private static final Set<PosixFilePermission> GROUP_OR_OTHERS =
      EnumSet.of(
          PosixFilePermission.GROUP_READ,
          PosixFilePermission.GROUP_WRITE,
          PosixFilePermission.GROUP_EXECUTE,
          PosixFilePermission.OTHERS_READ,
          PosixFilePermission.OTHERS_WRITE,
          PosixFilePermission.OTHERS_EXECUTE);

  private final List<SecretKeySpec> keys;

  private ClusterSecret(List<byte[]> rawKeys) {
    if (rawKeys.isEmpty() || rawKeys.size() > MAX_KEYS) {
      throw new IllegalArgumentException(
          "invalid key count: " + rawKeys.size() + " (expected: 1-" + MAX_KEYS + ")");
    }
    List<SecretKeySpec> specs = new ArrayList<>(rawKeys.size());
    for (int i = 0; i < rawKeys.size(); i++) {
      byte[] key = rawKeys.get(i);
      if (key.length < MIN_KEY_BYTES) {
        throw new IllegalArgumentException(
            "key " + (i + 1) + " too short: " + key.length + " bytes (expected: >= "
                + MIN_KEY_BYTES + ")");
      }
      specs.add(new SecretKeySpec(key, ALGORITHM));
    }
    this.keys = List.copyOf(specs);
  }

  /**
   * A secret from raw keys.
   *
   * @param signingKey the key that signs (and verifies)
   * @param verifyOnly at most one further key that only verifies
   */
  public static ClusterSecret of(byte[] signingKey, byte[]... verifyOnly) {
    List<byte[]> all = new ArrayList<>();
    all.add(signingKey.clone());
    for (byte[] key : verifyOnly) {
      all.add(key.clone());
    }
    return new ClusterSecret(all);
  }

  /**
   * Loads the secret file, refusing it when it is missing, empty, open to group or others, or
   * holds a malformed, short or third key.
   *
   * @throws SecretFileException with a message naming the file and, where it helps, the line
   */
  public static ClusterSecret load(Path file) throws SecretFileException {
    Set<PosixFilePermission> permissions;
    try {
      permissions = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new SecretFileException("secret file " + file + " not found");
    } catch (UnsupportedOperationException e) {
      throw new SecretFileException(
          "secret file " + file + ": file system has no POSIX permissions to check");
    } catch (IOException e) {
      throw new SecretFileException("secret file " + file + ": " + e.getMessage(), e);
    }
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new SecretFileException("secret file " + file + " is not a regular file");
    }
    Set<PosixFilePermission> loose = EnumSet.noneOf(PosixFilePermission.class);
    loose.addAll(permissions);
    loose.retainAll(GROUP_OR_OTHERS);
    if (!loose.isEmpty()) {
      throw new SecretFileException(
          "secret file " + file + " has mode " + octal(permissions)
              + " (expected: 0600 or 0400)");
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SecretFileException("reading secret file " + file + ": " + e.getMessage(), e);
    }
    List<byte[]> rawKeys = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String where = "secret file " + file + " line " + (i + 1);
      if (rawKeys.size() == MAX_KEYS) {
        throw new SecretFileException(
            where + ": more than " + MAX_KEYS + " keys (expected: a signing key and at most one"
                + " key kept for rotation)");
      }
      byte[] key = decodeKey(line, where);
      if (key.length < MIN_KEY_BYTES) {
        throw new SecretFileException(
            where + ": key too short: " + key.length + " bytes (expected: >= " + MIN_KEY_BYTES
                + ")");
      }
      rawKeys.add(key);
    }
    if (rawKeys.isEmpty()) {
      throw new SecretFileException("secret file " + file + " is empty (expected: 1-2 keys)");
    }
    return new ClusterSecret(rawKeys);
  }

  private static byte[] decodeKey(String line, String where) throws SecretFileException {
    if (line.length() % 2 == 0 && line.chars().allMatch(ClusterSecret::isHexDigit)) {
      return HexFormat.of().parseHex(line);
    }
    try {
      return line.indexOf('-') >= 0 || line.indexOf('_') >= 0
          ? Base64.getUrlDecoder().decode(line)
          : Base64.getDecoder().decode(line);
    } catch (IllegalArgumentException e) {
      // Not e.getMessage(): it may quote characters of the key.
      throw new SecretFileException(where + ": key is neither hex nor base64");
    }
  }

  private static boolean isHexDigit(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static String octal(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (PosixFilePermission p : permissions) {
      mode |= 1 << (8 - p.ordinal());
    }
    return String.format("%04o", mode);
  }

  /** Number of keys: 1, or 2 during a rotation. */
  public int keyCount() {
    return keys.size();
  }

  /** The full HMAC-SHA256 of {@code message} under the signing key. */
  public byte[] sign(byte[] message) {
    return sign(message, 0, message.length);
  }

  /** The full HMAC-SHA256 of {@code message[offset, offset + length)} under the signing key. */
  public byte[] sign(byte[] message, int offset, int length) {
    return hmac(keys.get(0), message, offset, length);
  }

  /** Whether {@code mac} is the full HMAC of {@code message} under any key, in constant time. */
  public boolean verify(byte[] message, byte[] mac) {
    if (mac == null || mac.length != MAC_BYTES) {
      return false;
    }
    return verify(message, 0, message.length, mac, 0, MAC_BYTES);
  }

  /**
   * Whether {@code mac[macOffset, macOffset + macLength)} equals the first {@code macLength}
   * bytes of the HMAC of the message range under any key. Compares in constant time and checks
   * every key, so timing tells nothing about which key matched.
   *
   * @param macLength {@value #MIN_TRUNCATED_MAC_BYTES}-{@value #MAC_BYTES}; anything else fails
   */
  public boolean verify(
      byte[] message, int offset, int length, byte[] mac, int macOffset, int macLength) {
    if (macLength < MIN_TRUNCATED_MAC_BYTES || macLength > MAC_BYTES) {
      return false;
    }
    byte[] presented = Arrays.copyOfRange(mac, macOffset, macOffset + macLength);
    boolean match = false;
    for (SecretKeySpec key : keys) {
      byte[] expected = Arrays.copyOf(hmac(key, message, offset, length), macLength);
      match |= MessageDigest.isEqual(expected, presented);
    }
    return match;
  }

  private static byte[] hmac(SecretKeySpec key, byte[] message, int offset, int length) {
    try {
      // A Mac is not thread-safe; one per call costs microseconds and keeps this class immutable.
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      mac.update(message, offset, length);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(ALGORITHM + " unavailable in this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "ClusterSecret[keys=" + keys.size() + "]";
  }
}
