package dev.vipd.cluster.it;

import java.net.InetAddress;

/**
 * One {@code EVENT} line of a {@link TestNode}.
 *
 * @param node the node that printed it
 * @param monotonicMillis the node JVM's monotonic clock (comparable within one JVM only)
 * @param wallMillis wall-clock time (comparable across the lab's JVMs: one host, one clock)
 * @param kind acquired, released, fenced, unfenced or joined
 * @param vip the VIP, or {@code null}
 * @param epoch the assignment epoch, 0 where it does not apply
 * @param reason the reason tag, {@code -} where it does not apply
 */
public record NodeEvent(
    String node, long monotonicMillis, long wallMillis, String kind, InetAddress vip, long epoch,
    String reason) {

  /** Parses {@code EVENT <mono> <wall> <kind> <vip> <epoch> <reason>}. */
  public static NodeEvent parse(String node, String line) {
    String[] f = line.trim().split(" ");
    if (f.length != 7 || !f[0].equals("EVENT")) {
      throw new IllegalArgumentException("invalid event line of " + node + ": " + line);
    }
    InetAddress vip = f[4].equals("-") ? null : NodeOptions.address(f[4]);
    return new NodeEvent(node, Long.parseLong(f[1]), Long.parseLong(f[2]), f[3], vip,
        Long.parseLong(f[5]), f[6]);
  }

  public boolean is(String k, InetAddress address) {
    return kind.equals(k) && address.equals(vip);
  }

  @Override
  public String toString() {
    return node + " " + kind + " " + (vip == null ? "-" : vip.getHostAddress()) + " e" + epoch
        + " " + reason + " @" + wallMillis;
  }
}
