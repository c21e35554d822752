package dev.vipd.cluster.ownership;

import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.cluster.auth.SignedValue;
import dev.vipd.cluster.election.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.Optional;

/**
 * The wire form of an {@link Assignment} in the owners table and in ownership events: a version
 * byte, the VIP (length-prefixed bytes), pool, node, epoch, reason tag, since and noticed-at
 * times, sealed with the cluster secret. Removals are sealed under a different purpose so that a
 * captured assignment cannot be replayed as a removal.
 *
 * <p>Immutable and thread-safe.
 */
public final class AssignmentCodec {
  /** Purpose of the values in {@code vipd-owners}. */
  public static final String PURPOSE = "assignment/v1";

  /** Purpose of removal events: the sealed value is the last assignment of the VIP. */
  public static final String REMOVAL_PURPOSE = "assignment-removal/v1";

  private static final int VERSION = 1;

  private final SignedValue values;
  private final SignedValue removals;

  public AssignmentCodec(ClusterSecret secret) {
    this.values = new SignedValue(secret, PURPOSE);
    this.removals = new SignedValue(secret, REMOVAL_PURPOSE);
  }

  /** The sealed table value of {@code a}. */
  public byte[] seal(Assignment a) {
    return values.seal(encode(a));
  }

  /** The sealed removal of {@code last}. */
  public byte[] sealRemoval(Assignment last) {
    return removals.seal(encode(last));
  }

  /** The assignment in a sealed table value; empty when unverifiable or malformed. */
  public Optional<Assignment> open(byte[] sealed) {
    return values.open(sealed).flatMap(AssignmentCodec::decode);
  }

  /** The assignment in a sealed removal; empty when unverifiable or malformed. */
  public Optional<Assignment> openRemoval(byte[] sealed) {
    return removals.open(sealed).flatMap(AssignmentCodec::decode);
  }

  /** The unsealed payload of {@code a}. */
  static byte[] encode(Assignment a) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(VERSION);
      byte[] vip = a.vip().getAddress();
      out.writeByte(vip.length);
      out.write(vip);
      out.writeUTF(a.pool());
      out.writeUTF(a.node());
      out.writeLong(a.epoch());
      out.writeUTF(a.reason().tag());
      out.writeLong(a.sinceMillis());
      out.writeLong(a.noticedAtMillis());
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("in-memory stream cannot fail", e);
    }
  }

  /**
   * Decodes a payload (sealed or not: trailing bytes such as a MAC are ignored). Never throws;
   * used by the merge policy, which has no secret.
   */
  static Optional<Assignment> decode(byte[] payload) {
    if (payload == null) {
      return Optional.empty();
    }
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload));
      if (in.readUnsignedByte() != VERSION) {
        return Optional.empty();
      }
      int length = in.readUnsignedByte();
      if (length != 4 && length != 16) {
        return Optional.empty();
      }
      byte[] vip = in.readNBytes(length);
      String pool = in.readUTF();
      String node = in.readUTF();
      long epoch = in.readLong();
      Reason reason = reasonOf(in.readUTF());
      long since = in.readLong();
      long noticed = in.readLong();
      return Optional.of(
          new Assignment(InetAddress.getByAddress(vip), pool, node, epoch, reason, since, noticed));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Reason reasonOf(String tag) {
    for (Reason reason : Reason.values()) {
      if (reason.tag().equals(tag)) {
        return reason;
      }
    }
    throw new IllegalArgumentException("unknown reason: " + tag);
  }
}
