package dev.vipd.cluster.auth;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * Who a cluster member claims to be: its stable node name, its cluster address and the wall-clock
 * time it started (which tells one incarnation from the next).
 *
 * <p>{@link #sign(ClusterSecret)} yields a token to publish in a Hazelcast member attribute next
 * to the three fields; {@link #verify} checks it. The MAC covers a domain tag and the three fields
 * each length-prefixed, so no two different identities share an encoding ({@code ("ab", "c")}
 * and {@code ("a", "bc")} differ) and a token made for another purpose never verifies here.
 *
 * <p>A valid token proves only that the signer knows the secret; it does not stop a member that
 * knows the secret from lying, nor a replay of a captured identity by a host that cannot sign
 * anything else (the ownership values and beacons carry their own MACs).
 *
 * @param name the stable node name (1-255 UTF-8 bytes)
 * @param address the member's cluster address as text, e.g. {@code 198.51.100.11:5701}
 * @param startTimeMillis when the member started, in milliseconds since the epoch
 */
public record NodeIdentity(String name, String address, long startTimeMillis) {
  private static final byte[] DOMAIN = "vipd/node-identity/v1".getBytes(StandardCharsets.UTF_8);
  private static final int MAX_FIELD_BYTES = 255;

  public NodeIdentity {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(address, "address");
    checkField("name", name);
    checkField("address", address);
    if (startTimeMillis < 0) {
      throw new IllegalArgumentException(
          "invalid start time: " + startTimeMillis + " (expected: >= 0)");
    }
  }

  private static void checkField(String what, String value) {
    int length = value.getBytes(StandardCharsets.UTF_8).length;
    if (length == 0 || length > MAX_FIELD_BYTES) {
      throw new IllegalArgumentException(
          "invalid " + what + " length: " + length + " bytes (expected: 1-" + MAX_FIELD_BYTES
              + ")");
    }
  }

  /** The token for this identity: base64url (no padding) of the HMAC-SHA256, 43 characters. */
  public String sign(ClusterSecret secret) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(secret.sign(encode()));
  }

  /**
   * Whether {@code token} was made by {@link #sign} for exactly {@code claimed} with any key of
   * {@code secret}. Returns false, never throws, for a null, malformed or foreign token.
   */
  public static boolean verify(NodeIdentity claimed, String token, ClusterSecret secret) {
    if (claimed == null || token == null || token.length() > 64) {
      return false;
    }
    byte[] mac;
    try {
      mac = Base64.getUrlDecoder().decode(token);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return secret.verify(claimed.encode(), mac);
  }

  /** Unambiguous encoding: domain, then each field length-prefixed, then the start time. */
  private byte[] encode() {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(DOMAIN.length);
      out.write(DOMAIN);
      writeField(out, name);
      writeField(out, address);
      out.writeLong(startTimeMillis);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory stream cannot fail", e);
    }
  }

  private static void writeField(DataOutputStream out, String value) throws IOException {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    out.writeShort(utf8.length);
    out.write(utf8);
  }
}
