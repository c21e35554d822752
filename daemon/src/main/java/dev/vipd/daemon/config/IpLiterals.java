package dev.vipd.daemon.config;

import dev.vipd.protocol.wire.InetAddresses;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Strict IPv4 and IPv6 literal parsing that never resolves names. {@link InetAddress#getByName}
 * would look a name up in DNS; a VIP written as a name is a mistake, not something to resolve.
 */
final class IpLiterals {

  private IpLiterals() {}

  /** The address written as {@code text}, or {@code null} if it is not an IP literal. */
  static InetAddress parse(String text) {
    byte[] bytes = text.indexOf(':') >= 0 ? parseV6(text) : parseV4(text);
    if (bytes == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes are always accepted", e);
    }
  }

  /** Dotted quad, four decimal parts 0-255, no leading zeros (they read as octal elsewhere). */
  static byte[] parseV4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')) {
        return null;
      }
      int value = 0;
      for (int j = 0; j < part.length(); j++) {
        char c = part.charAt(j);
        if (c < '0' || c > '9') {
          return null;
        }
        value = value * 10 + (c - '0');
      }
      if (value > 255) {
        return null;
      }
      out[i] = (byte) value;
    }
    return out;
  }

  /**
   * RFC 4291 text form: eight groups of 1-4 hex digits, one {@code ::} for a run of zero groups, an
   * optional dotted quad in the last 32 bits. No zone id, no brackets.
   */
  static byte[] parseV6(String text) {
    int gap = text.indexOf("::");
    if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
      return null;
    }
    String head = gap >= 0 ? text.substring(0, gap) : text;
    String tail = gap >= 0 ? text.substring(gap + 2) : "";
    int[] headGroups = groups(head, gap < 0);
    int[] tailGroups = groups(tail, true);
    if (headGroups == null || tailGroups == null) {
      return null;
    }
    int total = headGroups.length + tailGroups.length;
    if (gap < 0 ? total != 8 : total > 7) {
      return null;
    }
    int[] all = new int[8];
    System.arraycopy(headGroups, 0, all, 0, headGroups.length);
    System.arraycopy(tailGroups, 0, all, 8 - tailGroups.length, tailGroups.length);
    byte[] out = new byte[16];
    for (int i = 0; i < 8; i++) {
      out[2 * i] = (byte) (all[i] >>> 8);
      out[2 * i + 1] = (byte) all[i];
    }
    return out;
  }

  /** Colon-separated hex groups; the last may be a dotted quad when {@code mayEndInV4}. */
  private static int[] groups(String text, boolean mayEndInV4) {
    if (text.isEmpty()) {
      return new int[0];
    }
    String[] parts = text.split(":", -1);
    int extra = 0;
    byte[] v4 = null;
    String last = parts[parts.length - 1];
    if (mayEndInV4 && last.indexOf('.') >= 0) {
      v4 = parseV4(last);
      if (v4 == null) {
        return null;
      }
      extra = 1;
    }
    int hexCount = parts.length - (v4 == null ? 0 : 1);
    int[] out = new int[hexCount + extra * 2];
    for (int i = 0; i < hexCount; i++) {
      String part = parts[i];
      if (part.isEmpty() || part.length() > 4) {
        return null;
      }
      int value = 0;
      for (int j = 0; j < part.length(); j++) {
        char c = part.charAt(j);
        int digit = c < 128 ? Character.digit(c, 16) : -1;
        if (digit < 0) {
          return null;
        }
        value = value * 16 + digit;
      }
      out[i] = value;
    }
    if (v4 != null) {
      out[hexCount] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
      out[hexCount + 1] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
    }
    return out;
  }

  /**
   * The address as text: dotted quad, or IPv6 in RFC 5952 form ({@code 2001:db8::7}, lower case,
   * the longest run of two or more zero groups shortened to {@code ::}).
   */
  static String format(InetAddress address) {
    return InetAddresses.format(address);
  }
}
