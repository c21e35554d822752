package dev.vipd.protocol.spi;

/**
 * The kernel's {@code PACKET_STATISTICS} for one socket, accumulated since it was opened.
 *
 * @param received frames that passed the filter (including the dropped ones)
 * @param dropped frames lost because the socket's receive buffer was full
 */
public record PacketStatistics(long received, long dropped) {
  public PacketStatistics {
    if (received < 0 || dropped < 0) {
      throw new IllegalArgumentException(
          "invalid packet statistics: " + received + "/" + dropped + " (expected: >= 0)");
    }
  }
}
