package dev.vipd.protocol;

import java.net.InetAddress;

/**
 * Where an {@link Announcer} sends its frames: builds one gratuitous ARP (for an {@link
 * java.net.Inet4Address}) or one unsolicited Neighbor Advertisement (for an {@link
 * java.net.Inet6Address}) for the address and writes it to the interface's socket.
 *
 * <p>The announcer knows nothing of frame formats; the sink knows nothing of schedules. Called on
 * the announcer's scheduler thread, with the announcer's lock held (so that {@link
 * Announcer#stop(InetAddress)} returning means no frame for the address is in flight): it must not
 * block and must not wait for another thread that may call the announcer.
 */
@FunctionalInterface
public interface AnnouncementSink {

  /**
   * Writes and sends one announcement frame for {@code vip}.
   *
   * @return false if it could not be sent (counted by the announcer as a failed announcement; the
   *     schedule goes on)
   */
  boolean send(InetAddress vip);
}
