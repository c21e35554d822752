package dev.vipd.protocol.wire;

import static dev.vipd.protocol.wire.WireConstants.MAC_MASK;

/**
 * A 48-bit IEEE 802 MAC address, held as a {@code long} in big-endian order (the first octet in
 * bits 47-40), the same form {@link ArpFrames} and {@link NdpFrames} use.
 *
 * @param value the address, 0 to 2<sup>48</sup>-1
 */
public record MacAddress(long value) {
  public static final MacAddress ZERO = new MacAddress(0L);
  public static final MacAddress BROADCAST = new MacAddress(MAC_MASK);

  public MacAddress {
    if ((value & ~MAC_MASK) != 0) {
      throw new IllegalArgumentException(
          "invalid MAC address: 0x" + Long.toHexString(value) + " (expected: 48 bits)");
    }
  }

  public static MacAddress of(long value) {
    return new MacAddress(value);
  }

  /** From six bytes, first octet first. */
  public static MacAddress of(byte[] bytes) {
    if (bytes.length != 6) {
      throw new IllegalArgumentException(
          "invalid MAC address length: " + bytes.length + " (expected: 6)");
    }
    long v = 0;
    for (byte b : bytes) {
      v = (v << 8) | (b & 0xff);
    }
    return new MacAddress(v);
  }

  /** Parses the colon form, e.g. {@code 02:00:00:00:00:01} (either case). */
  public static MacAddress parse(String text) {
    String[] parts = text.split(":", -1);
    if (parts.length != 6) {
      throw new IllegalArgumentException(
          "invalid MAC address: \"" + text + "\" (expected: six hex octets separated by ':')");
    }
    long v = 0;
    for (String part : parts) {
      if (part.length() != 2 || Character.digit(part.charAt(0), 16) < 0
          || Character.digit(part.charAt(1), 16) < 0) {
        throw new IllegalArgumentException(
            "invalid MAC address: \"" + text + "\" (expected: six hex octets separated by ':')");
      }
      v = (v << 8) | Integer.parseInt(part, 16);
    }
    return new MacAddress(v);
  }

  /** True for group addresses (the I/G bit of the first octet), the broadcast included. */
  public boolean isMulticast() {
    return ((value >>> 40) & 1) != 0;
  }

  public byte[] toBytes() {
    byte[] b = new byte[6];
    for (int i = 0; i < 6; i++) {
      b[i] = (byte) (value >>> (40 - 8 * i));
    }
    return b;
  }

  /** Lowercase colon form, e.g. {@code 02:00:00:00:00:01}. */
  @Override
  public String toString() {
    StringBuilder s = new StringBuilder(17);
    for (int i = 0; i < 6; i++) {
      if (i > 0) {
        s.append(':');
      }
      int octet = (int) (value >>> (40 - 8 * i)) & 0xff;
      s.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xf, 16));
    }
    return s.toString();
  }
}
