package dev.vipd.protocol.wire;

/** Neighbor Discovery option types (RFC 4861 4.6, RFC 7527 nonce). */
public enum NdpOptionType {
  SOURCE_LINK_LAYER_ADDRESS(1),
  TARGET_LINK_LAYER_ADDRESS(2),
  PREFIX_INFORMATION(3),
  REDIRECTED_HEADER(4),
  MTU(5),
  NONCE(14);

  private static final NdpOptionType[] VALUES = values();

  private final int code;

  NdpOptionType(int code) {
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
  public static NdpOptionType valueOf(int code) {
    for (NdpOptionType value : VALUES) {
      if (value.code == code) {
        return value;
      }
    }
    throw new IllegalArgumentException("unknown NDP option type: " + code);
  }
}
