package dev.vipd.cluster.member;

import com.hazelcast.cluster.Member;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * The {@code host:port} text through which members name each other ({@code [v6]:port} for IPv6,
 * without a scope): in the signed identity, in the member attributes and in the join list. Both
 * directions live here so that they cannot drift apart.
 */
public final class HostPort {
  private HostPort() {}

  /** {@code host:port}, with brackets around an IPv6 host. */
  public static String format(InetAddress host, int port) {
    String text = host.getHostAddress();
    int scope = text.indexOf('%');
    if (scope >= 0) {
      text = text.substring(0, scope);
    }
    return (host instanceof Inet6Address ? "[" + text + "]" : text) + ":" + port;
  }

  /** The address of {@code member} in the form of {@link #format}. */
  public static String of(Member member) {
    InetSocketAddress socket = member.getSocketAddress();
    return socket.getAddress() == null
        ? socket.getHostString() + ":" + socket.getPort()
        : format(socket.getAddress(), socket.getPort());
  }

  /**
   * The host part of a {@link #format} text, brackets removed.
   *
   * @throws IllegalArgumentException when {@code text} has no {@code :port}
   */
  public static String host(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException(
          "invalid member address: \"" + text + "\" (expected: host:port or [v6]:port)");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[")) {
      if (!host.endsWith("]") || host.length() < 3) {
        throw new IllegalArgumentException(
            "invalid member address: \"" + text + "\" (expected: host:port or [v6]:port)");
      }
      host = host.substring(1, host.length() - 1);
    }
    return host;
  }

  /** {@code text}'s host at another port (a peer's beacon address from its member address). */
  public static InetSocketAddress withPort(String text, int port) {
    return new InetSocketAddress(host(text), port);
  }
}
