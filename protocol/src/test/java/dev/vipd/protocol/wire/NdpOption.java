package dev.vipd.protocol.wire;

import static dev.vipd.protocol.wire.WireConstants.OPTION_UNIT;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * One Neighbor Discovery option (RFC 4861 4.6): its type and the bytes after the type and length
 * fields. Unknown types are kept as they are so that a decoded message encodes to the same bytes.
 *
 * @param type the option type, 0-255 (see {@link NdpOptionType})
 * @param data the option body, a multiple of 8 bytes minus 2 (6, 14, ... 2038)
 */
public record NdpOption(int type, byte[] data) {
  private static final int MAX_UNITS = 255;

  public NdpOption {
    if (type < 0 || type > 0xff) {
      throw new IllegalArgumentException("invalid option type: " + type + " (expected: 0-255)");
    }
    int total = data.length + 2;
    if (total % OPTION_UNIT != 0 || total / OPTION_UNIT > MAX_UNITS) {
      throw new IllegalArgumentException("invalid option data length: " + data.length
          + " (expected: a multiple of 8 minus 2, 6-" + (MAX_UNITS * OPTION_UNIT - 2) + ")");
    }
    data = data.clone();
  }

  /** A source or target link-layer address option for Ethernet. */
  public static NdpOption linkLayer(NdpOptionType type, MacAddress mac) {
    if (type != NdpOptionType.SOURCE_LINK_LAYER_ADDRESS
        && type != NdpOptionType.TARGET_LINK_LAYER_ADDRESS) {
      throw new IllegalArgumentException(
          "invalid link-layer option type: " + type + " (expected: 1-2)");
    }
    return new NdpOption(type.code(), mac.toBytes());
  }

  /** The MAC in this option when it is a link-layer address option of {@code kind}. */
  public Optional<MacAddress> linkLayerAddress(NdpOptionType kind) {
    return type == kind.code()
        ? Optional.of(MacAddress.of(Arrays.copyOf(data, 6)))
        : Optional.empty();
  }

  @Override
  public byte[] data() {
    return data.clone();
  }

  /** Bytes on the wire, type and length included. */
  public int length() {
    return data.length + 2;
  }

  static NdpOption read(ByteBuf frame, int index) {
    int length = frame.getUnsignedByte(index + 1) * OPTION_UNIT;
    byte[] body = new byte[length - 2];
    frame.getBytes(index + 2, body);
    return new NdpOption(frame.getUnsignedByte(index), body);
  }

  public void encode(ByteBuf out) {
    out.writeByte(type);
    out.writeByte(length() / OPTION_UNIT);
    out.writeBytes(data);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NdpOption other && type == other.type && Arrays.equals(data, other.data);
  }

  @Override
  public int hashCode() {
    return 31 * type + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "NdpOption[type=" + type + ", data=" + HexFormat.of().formatHex(data) + "]";
  }
}
