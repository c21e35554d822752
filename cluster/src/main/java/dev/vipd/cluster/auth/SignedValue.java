package dev.vipd.cluster.auth;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Seals small byte payloads with the cluster secret: {@code payload || HMAC-SHA256(purpose,
 * payload)}. The ownership table stores its values sealed, so a member that does not know the
 * secret cannot forge an owner or an epoch.
 *
 * <p>The purpose string is mixed into the MAC (length-prefixed, not transmitted), so a value
 * sealed for one purpose never opens under another. Sealing proves origin and integrity, not
 * freshness: an old sealed value replays fine; epochs in the payload order them.
 *
 * <p>Immutable and thread-safe.
 */
public final class SignedValue {
  private static final int MAX_PURPOSE_BYTES = 200;

  private final ClusterSecret secret;
  private final byte[] prefix;

  /**
   * A sealer for one purpose.
   *
   * @param purpose a short stable name, e.g. {@code "ownership/v1"}
   */
  public SignedValue(ClusterSecret secret, String purpose) {
    this.secret = Objects.requireNonNull(secret, "secret");
    int purposeBytes = Objects.requireNonNull(purpose, "purpose")
        .getBytes(StandardCharsets.UTF_8).length;
    if (purposeBytes == 0 || purposeBytes > MAX_PURPOSE_BYTES) {
      throw new IllegalArgumentException(
          "invalid purpose length: " + purposeBytes + " bytes (expected: 1-" + MAX_PURPOSE_BYTES
              + ")");
    }
    byte[] tag = ("vipd/signed-value/" + purpose).getBytes(StandardCharsets.UTF_8);
    this.prefix = new byte[tag.length + 1];
    prefix[0] = (byte) tag.length;
    System.arraycopy(tag, 0, prefix, 1, tag.length);
  }

  /** {@code payload} followed by its {@value ClusterSecret#MAC_BYTES}-byte MAC. */
  public byte[] seal(byte[] payload) {
    byte[] sealed = Arrays.copyOf(payload, payload.length + ClusterSecret.MAC_BYTES);
    byte[] mac = secret.sign(macInput(payload, payload.length));
    System.arraycopy(mac, 0, sealed, payload.length, mac.length);
    return sealed;
  }

  /**
   * The payload of a value sealed by {@link #seal} for the same purpose under any key of the
   * secret; empty for anything else (null, truncated, altered, foreign). Never throws.
   */
  public Optional<byte[]> open(byte[] sealed) {
    if (sealed == null || sealed.length < ClusterSecret.MAC_BYTES) {
      return Optional.empty();
    }
    int payloadLength = sealed.length - ClusterSecret.MAC_BYTES;
    byte[] input = macInput(sealed, payloadLength);
    byte[] mac = Arrays.copyOfRange(sealed, payloadLength, sealed.length);
    if (!secret.verify(input, mac)) {
      return Optional.empty();
    }
    return Optional.of(Arrays.copyOf(sealed, payloadLength));
  }

  private byte[] macInput(byte[] source, int payloadLength) {
    byte[] input = Arrays.copyOf(prefix, prefix.length + payloadLength);
    System.arraycopy(source, 0, input, prefix.length, payloadLength);
    return input;
  }

  @Override
  public String toString() {
    return "SignedValue[" + new String(prefix, 1, prefix.length - 1, StandardCharsets.UTF_8) + "]";
  }
}
