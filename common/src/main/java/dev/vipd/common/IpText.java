package dev.vipd.common;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The one text form of a VIP, used wherever an address becomes a string: ownership keys, metric
 * tags, log fields and {@code /status}. Dotted quad for IPv4; RFC 5952 for IPv6 (lower case, no
 * leading zeros, the longest run of two or more zero groups as {@code ::}, the first one on a
 * tie), e.g. {@code 2001:db8::100} where {@link InetAddress#getHostAddress} gives {@code
 * 2001:db8:0:0:0:0:0:100}. Never a scope or a host name: the same address must give the same key
 * on every node.
 */
public final class IpText {
  private IpText() {}

  /** The canonical text of {@code address}. */
  public static String format(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address.getHostAddress();
    }
    byte[] b = address.getAddress();
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    // RFC 5952 4.2: compress the longest run of two or more zero groups, the first one on a tie.
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder text = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }
}
