package dev.vipd.cluster.beacon;

import dev.vipd.cluster.auth.ClusterSecret;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One liveness beacon: "node {@code name}, incarnation {@code startTimeMillis}, is alive; this is
 * beacon number {@code sequence}". Pure codec: no I/O, no clock.
 *
 * <pre>
 * offset size
 *  0      2   magic 0x76 0x42 ("vB")
 *  2      1   version (1)
 *  3      1   name length n (1-64)
 *  4      n   node name, UTF-8
 *  4+n    8   start time, ms since the epoch, big-endian
 *  12+n   8   sequence number, big-endian, >= 0
 *  20+n   1   flags: 0x01 leaving, 0x02 not-member; other bits must be 0
 *  21+n  16   HMAC-SHA256 over bytes [0, 21+n), truncated to 16 bytes
 * </pre>
 *
 * <p>The magic doubles as a domain separator: no other vipd MAC input starts with it. A 128-bit
 * tag is plenty for a message that is worthless a second later.
 *
 * @param name the sender's node name (1-64 UTF-8 bytes)
 * @param startTimeMillis the sender's start time; a new value means a restarted node
 * @param sequence increases by one per beacon within an incarnation (replay protection)
 * @param leaving the sender is handing its VIPs over and stopping
 * @param notMember the recipient is not a member of the sender's cluster view (the sender
 *     beacons the configured peers it has no member for, so that a node cut off from the
 *     cluster, for instance after a pause of its own, learns that the others are alive)
 */
public record Beacon(
    String name, long startTimeMillis, long sequence, boolean leaving, boolean notMember) {
  static final int MAGIC = 0x7642;
  static final int VERSION = 1;
  /** The longest node name a beacon carries, in UTF-8 bytes (one length byte; 64 keeps it small). */
  public static final int MAX_NAME_BYTES = 64;
  static final int MAC_BYTES = 16;
  static final int FLAG_LEAVING = 0x01;
  static final int FLAG_NOT_MEMBER = 0x02;
  static final int HEADER_BYTES = 4;
  static final int FIXED_BYTES = HEADER_BYTES + 8 + 8 + 1 + MAC_BYTES;
  /** Largest encoded beacon; a receive buffer of this size is enough. */
  public static final int MAX_BYTES = FIXED_BYTES + MAX_NAME_BYTES;

  public Beacon {
    Objects.requireNonNull(name, "name");
    int nameBytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (nameBytes == 0 || nameBytes > MAX_NAME_BYTES) {
      throw new IllegalArgumentException(
          "invalid node name length: " + nameBytes + " bytes (expected: 1-" + MAX_NAME_BYTES
              + ")");
    }
    if (startTimeMillis < 0) {
      throw new IllegalArgumentException(
          "invalid start time: " + startTimeMillis + " (expected: >= 0)");
    }
    if (sequence < 0) {
      throw new IllegalArgumentException("invalid sequence: " + sequence + " (expected: >= 0)");
    }
  }

  /** A beacon to a member of the sender's view. */
  public Beacon(String name, long startTimeMillis, long sequence, boolean leaving) {
    this(name, startTimeMillis, sequence, leaving, false);
  }

  /** The signed datagram payload. */
  public byte[] encode(ClusterSecret secret) {
    byte[] nameUtf8 = name.getBytes(StandardCharsets.UTF_8);
    int macOffset = FIXED_BYTES - MAC_BYTES + nameUtf8.length;
    ByteBuffer out = ByteBuffer.allocate(macOffset + MAC_BYTES);
    out.putShort((short) MAGIC).put((byte) VERSION).put((byte) nameUtf8.length).put(nameUtf8);
    out.putLong(startTimeMillis).putLong(sequence)
        .put((byte) ((leaving ? FLAG_LEAVING : 0) | (notMember ? FLAG_NOT_MEMBER : 0)));
    byte[] bytes = out.array();
    System.arraycopy(secret.sign(bytes, 0, macOffset), 0, bytes, macOffset, MAC_BYTES);
    return bytes;
  }

  /**
   * Decodes and authenticates {@code data[offset, offset + length)}. Never throws on any input:
   * garbage yields a {@link Rejected} with the reason. The MAC is checked before any field is
   * interpreted beyond the lengths needed to find it.
   */
  public static DecodeResult decode(byte[] data, int offset, int length, ClusterSecret secret) {
    Objects.checkFromIndexSize(offset, length, data.length);
    if (length < FIXED_BYTES + 1) {
      return new Rejected(BeaconVerdict.TRUNCATED);
    }
    ByteBuffer in = ByteBuffer.wrap(data, offset, length);
    if ((in.getShort() & 0xffff) != MAGIC) {
      return new Rejected(BeaconVerdict.BAD_MAGIC);
    }
    if ((in.get() & 0xff) != VERSION) {
      return new Rejected(BeaconVerdict.UNSUPPORTED_VERSION);
    }
    int nameLength = in.get() & 0xff;
    if (nameLength == 0 || nameLength > MAX_NAME_BYTES) {
      return new Rejected(BeaconVerdict.MALFORMED);
    }
    int expected = FIXED_BYTES + nameLength;
    if (length < expected) {
      return new Rejected(BeaconVerdict.TRUNCATED);
    }
    if (length > expected) {
      return new Rejected(BeaconVerdict.BAD_LENGTH);
    }
    int macOffset = expected - MAC_BYTES;
    if (!secret.verify(data, offset, macOffset, data, offset + macOffset, MAC_BYTES)) {
      return new Rejected(BeaconVerdict.BAD_MAC);
    }
    String name;
    try {
      name = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data, offset + HEADER_BYTES, nameLength))
          .toString();
    } catch (CharacterCodingException e) {
      return new Rejected(BeaconVerdict.MALFORMED);
    }
    in.position(in.position() + nameLength);
    long startTime = in.getLong();
    long sequence = in.getLong();
    int flags = in.get() & 0xff;
    if (startTime < 0 || sequence < 0 || (flags & ~(FLAG_LEAVING | FLAG_NOT_MEMBER)) != 0) {
      return new Rejected(BeaconVerdict.MALFORMED);
    }
    return new Decoded(new Beacon(name, startTime, sequence, (flags & FLAG_LEAVING) != 0,
        (flags & FLAG_NOT_MEMBER) != 0));
  }

  /** Convenience for a whole array. */
  public static DecodeResult decode(byte[] data, ClusterSecret secret) {
    return decode(data, 0, data.length, secret);
  }

  /** Outcome of {@link #decode}. */
  public sealed interface DecodeResult permits Decoded, Rejected {}

  /** An authentic, well-formed beacon. */
  public record Decoded(Beacon beacon) implements DecodeResult {}

  /** A datagram that is not an authentic beacon, and why. */
  public record Rejected(BeaconVerdict reason) implements DecodeResult {}
}
