package dev.vipd.protocol.wire;

import static dev.vipd.protocol.wire.WireConstants.IPV6_MULTICAST_MAC;
import static dev.vipd.protocol.wire.WireConstants.LOW_24_BITS;

import dev.vipd.common.IpText;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Conversions between {@link InetAddress} and the primitive forms used on the receive path: an
 * IPv4 address as an {@code int} (network order), an IPv6 address as two {@code long}s.
 */
public final class InetAddresses {
  private InetAddresses() {}

  public static int toInt(Inet4Address a) {
    byte[] b = a.getAddress();
    return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
  }

  public static Inet4Address ipv4(int a) {
    byte[] b = {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
    return (Inet4Address) byAddress(b);
  }

  public static long high(Inet6Address a) {
    return half(a.getAddress(), 0);
  }

  public static long low(Inet6Address a) {
    return half(a.getAddress(), 8);
  }

  /** The address without scope (an {@code ::ffff:a.b.c.d} value stays an IPv6 address). */
  public static Inet6Address ipv6(long hi, long lo) {
    byte[] b = new byte[16];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (hi >>> (56 - 8 * i));
      b[8 + i] = (byte) (lo >>> (56 - 8 * i));
    }
    try {
      return Inet6Address.getByAddress(null, b, -1);
    } catch (UnknownHostException e) {
      throw new AssertionError("16 bytes are always an IPv6 address", e);
    }
  }

  /** 33:33:ff:xx:xx:xx, the Ethernet group of the solicited-node address of the target. */
  public static long solicitedNodeMulticastMac(long targetLo) {
    return IPV6_MULTICAST_MAC | 0xff00_0000L | (targetLo & LOW_24_BITS);
  }

  private static long half(byte[] b, int from) {
    long v = 0;
    for (int i = from; i < from + 8; i++) {
      v = (v << 8) | (b[i] & 0xff);
    }
    return v;
  }

  private static InetAddress byAddress(byte[] b) {
    try {
      return InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 bytes are always an IPv4 address", e);
    }
  }

  /**
   * The text form used in logs and metric tags; see {@link IpText#format}, the one
   * implementation, which new code calls directly. Kept so that callers outside protocol keep
   * compiling while they move over.
   */
  public static String format(InetAddress address) {
    return IpText.format(address);
  }
}
