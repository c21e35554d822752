package dev.vipd.protocol;

import java.net.InetAddress;

/**
 * Told when the first announcement of an acquisition has left, for the takeover-latency histogram
 * ({@code vipd_takeover_seconds}: loss of the old owner noticed, to first announcement sent).
 *
 * <p>Called once per {@link Announcer#announce(InetAddress)}, after the first frame the sink
 * reported as sent; on the announcer's scheduler thread, without the announcer's lock held.
 */
@FunctionalInterface
public interface AnnouncementListener {

  /** No-op listener, for announcers whose latency nobody measures. */
  AnnouncementListener NONE = (vip, nanoTime) -> { };

  /**
   * The first frame for {@code vip} of the latest acquisition left at {@code nanoTime}, a reading
   * of the announcer's nano clock taken right after the sink returned.
   */
  void firstAnnounced(InetAddress vip, long nanoTime);
}
