package dev.vipd.protocol.wire;

/** ARP operation codes (RFC 826). */
public enum ArpOperation {
  REQUEST(1),
  REPLY(2);

  private static final ArpOperation[] VALUES = values();

  private final int code;

  ArpOperation(int code) {
    this.code = code;
  }

  /** The value on the wire. */
  public int code() {
    return code;
  }

  /**
   * The constant for a wire value.
   *
   * @throws IllegalArgumentException for a value this package does not know
   */
  public static ArpOperation valueOf(int code) {
    for (ArpOperation value : VALUES) {
      if (value.code == code) {
        return value;
      }
    }
    throw new IllegalArgumentException("unknown ARP operation: " + code);
  }
}
