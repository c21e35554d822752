package dev.vipd.daemon;

import dev.vipd.daemon.metrics.VipdMetrics;
import dev.vipd.protocol.AnnouncementListener;
import dev.vipd.protocol.wire.InetAddresses;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records {@code vipd_takeover_seconds}: from the moment the cluster's writer noticed the cause of
 * a takeover ({@code Assignment#noticedAtMillis()}, wall clock of the writer's host) to the moment
 * this node's first announcement for the VIP left (wall clock here). The two clocks are different
 * hosts' clocks: the figure is as good as their NTP sync (typically well under a millisecond on a
 * LAN). Thread-safe: expectations come from the cluster thread, announcements from the
 * announcers'.
 */
final class TakeoverTimer implements AnnouncementListener {
  private static final Logger log = LoggerFactory.getLogger(TakeoverTimer.class);

  private final VipdMetrics metrics;
  private final LongSupplier wallMillis;
  /** Takeovers whose first announcement has not left yet: VIP to noticed-at (wall millis). */
  private final Map<InetAddress, Long> pending = new ConcurrentHashMap<>();

  TakeoverTimer(VipdMetrics metrics, LongSupplier wallMillis) {
    this.metrics = metrics;
    this.wallMillis = wallMillis;
  }

  /** A takeover of {@code vip} whose cause was noticed at {@code noticedAtMillis} began. */
  void expect(InetAddress vip, long noticedAtMillis) {
    pending.put(vip, noticedAtMillis);
  }

  /** {@code vip} was released before its first announcement: nothing to record. */
  void cancel(InetAddress vip) {
    pending.remove(vip);
  }

  /** From the announcers: the first frame of an acquisition left. */
  @Override
  public void firstAnnounced(InetAddress vip, long nanoTime) {
    Long noticed = pending.remove(vip);
    if (noticed != null) {
      long millis = Math.max(0, wallMillis.getAsLong() - noticed);
      metrics.takeoverSeconds().record(Duration.ofMillis(millis));
      log.info("op=takeover vip={} took_ms={}", InetAddresses.format(vip), millis);
    }
  }
}
