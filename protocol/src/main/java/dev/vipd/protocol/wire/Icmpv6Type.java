package dev.vipd.protocol.wire;

/** The ICMPv6 message types of Neighbor Discovery that vipd handles (RFC 4861). */
public enum Icmpv6Type {
  NEIGHBOR_SOLICITATION(135),
  NEIGHBOR_ADVERTISEMENT(136);

  private static final Icmpv6Type[] VALUES = values();

  private final int code;

  Icmpv6Type(int code) {
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
  public static Icmpv6Type valueOf(int code) {
    for (Icmpv6Type value : VALUES) {
      if (value.code == code) {
        return value;
      }
    }
    throw new IllegalArgumentException("unknown ICMPv6 type: " + code);
  }
}
