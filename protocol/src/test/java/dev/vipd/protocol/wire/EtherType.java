package dev.vipd.protocol.wire;

/** EtherTypes of the frames vipd reads and writes (IEEE 802 numbers). */
public enum EtherType {
  IPV4(0x0800),
  ARP(0x0806),
  IPV6(0x86dd);

  private static final EtherType[] VALUES = values();

  private final int code;

  EtherType(int code) {
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
  public static EtherType valueOf(int code) {
    for (EtherType value : VALUES) {
      if (value.code == code) {
        return value;
      }
    }
    throw new IllegalArgumentException("unknown EtherType: " + code);
  }
}
