package dev.vipd.cluster.ownership;

import dev.vipd.common.IpText;
import java.net.InetAddress;

/** VIP text for keys, metric tags and logs: dotted IPv4, RFC 5952 IPv6 ({@code 2001:db8::100}). */
public final class Vips {
  private Vips() {}

  /** The canonical text of {@code address}, without a scope or host name (see {@link IpText}). */
  public static String format(InetAddress address) {
    return IpText.format(address);
  }
}
