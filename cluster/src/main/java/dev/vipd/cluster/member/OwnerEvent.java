package dev.vipd.cluster.member;

import java.util.Arrays;
import java.util.Optional;

/**
 * One message of the ownership topic: a kind byte followed by the sealed value (an assignment,
 * or the sealed removal of the last one). The only place that frames or unframes these bytes.
 *
 * @param kind what the sealed value means
 * @param sealed the sealed value; opened and verified by the reader
 */
public record OwnerEvent(Kind kind, byte[] sealed) {

  /** What an event announces. */
  public enum Kind {
    ASSIGNED(1),
    REMOVED(2),
    /**
     * An assignment a member relays after its side merged into another (a healed split): it may
     * conflict with what this side decided meanwhile, so the writer decides ({@code HealDecision}).
     */
    RELAYED(3);

    private final int code;

    Kind(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }

    /** The kind with {@code code}, or empty. */
    public static Optional<Kind> valueOf(int code) {
      for (Kind k : values()) {
        if (k.code == code) {
          return Optional.of(k);
        }
      }
      return Optional.empty();
    }
  }

  public OwnerEvent {
    if (kind == null || sealed == null || sealed.length == 0) {
      throw new IllegalArgumentException("invalid owner event: a kind and a non-empty value");
    }
  }

  /** The framed bytes. */
  public byte[] encode() {
    byte[] message = new byte[sealed.length + 1];
    message[0] = (byte) kind.code;
    System.arraycopy(sealed, 0, message, 1, sealed.length);
    return message;
  }

  /** The event in {@code message}; empty when it is too short or of an unknown kind. */
  public static Optional<OwnerEvent> decode(byte[] message) {
    if (message == null || message.length < 2) {
      return Optional.empty();
    }
    return Kind.valueOf(message[0] & 0xff)
        .map(k -> new OwnerEvent(k, Arrays.copyOfRange(message, 1, message.length)));
  }
}
