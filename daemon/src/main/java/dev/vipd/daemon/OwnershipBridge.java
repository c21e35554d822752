package dev.vipd.daemon;

import dev.vipd.cluster.ownership.Assignment;
import dev.vipd.cluster.ownership.OwnershipListener;
import dev.vipd.cluster.election.Reason;
import dev.vipd.daemon.hooks.HookRunner;
import dev.vipd.daemon.metrics.VipdMetrics;
import dev.vipd.protocol.AnnouncementListener;
import dev.vipd.protocol.wire.InetAddresses;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the cluster's ownership decisions into data-plane actions, metrics, hook runs and the
 * takeover-latency histogram.
 *
 * <p>{@code vipd_takeover_seconds} is measured from the moment the cluster's writer noticed the
 * cause ({@link Assignment#noticedAtMillis()}, wall clock of the writer's host) to the moment this
 * node's first announcement for the VIP left (wall clock here). The two clocks are different
 * hosts' clocks: the figure is as good as their NTP sync (typically well under a millisecond on a
 * LAN). A first placement at start-up is not a takeover and is not recorded.
 */
final class OwnershipBridge implements OwnershipListener, AnnouncementListener {
  private static final Logger log = LoggerFactory.getLogger(OwnershipBridge.class);

  private final DataPlane dataPlane;
  private final VipdMetrics metrics;
  private final HookRunner hooks;
  private final Function<String, String> interfaceOfPool;
  /** Takeovers whose first announcement has not left yet: VIP -> noticed-at (wall millis). */
  private final Map<InetAddress, Long> pendingTakeovers = new ConcurrentHashMap<>();

  OwnershipBridge(
      DataPlane dataPlane,
      VipdMetrics metrics,
      HookRunner hooks,
      Function<String, String> interfaceOfPool) {
    this.dataPlane = dataPlane;
    this.metrics = metrics;
    this.hooks = hooks;
    this.interfaceOfPool = interfaceOfPool;
  }

  @Override
  public void acquired(Assignment a) {
    String vip = InetAddresses.format(a.vip());
    String iface = interfaceOfPool.apply(a.pool());
    if (iface == null) {
      log.warn("op=acquire vip={} pool={} msg=\"pool not configured here; ignored\"", vip,
          a.pool());
      return;
    }
    if (a.reason() != Reason.PLACEMENT) {
      pendingTakeovers.put(a.vip(), a.noticedAtMillis());
    }
    dataPlane.acquire(iface, a.vip());
    metrics.vipOwned(a.pool(), a.vip(), true);
    metrics.vipEpoch(a.vip(), a.epoch());
    log.info("op=acquire vip={} pool={} interface={} epoch={} reason={}", vip, a.pool(), iface,
        a.epoch(), a.reason().tag());
    hooks.acquired(vip, a.pool(), a.epoch(), a.reason().tag());
  }

  @Override
  public void released(Assignment a, Reason reason) {
    String vip = InetAddresses.format(a.vip());
    String iface = interfaceOfPool.apply(a.pool());
    pendingTakeovers.remove(a.vip());
    if (iface != null) {
      dataPlane.release(iface, a.vip());
    }
    metrics.vipOwned(a.pool(), a.vip(), false);
    log.info("op=release vip={} pool={} interface={} epoch={} reason={}", vip, a.pool(), iface,
        a.epoch(), reason.tag());
    hooks.released(vip, a.pool(), a.epoch(), reason.tag());
  }

  @Override
  public void answerDeadline(long deadlineNanos) {
    dataPlane.answerDeadline(deadlineNanos);
  }

  /** From the announcers: the first frame of an acquisition left. */
  @Override
  public void firstAnnounced(InetAddress vip, long nanoTime) {
    Long noticed = pendingTakeovers.remove(vip);
    if (noticed != null) {
      long millis = Math.max(0, System.currentTimeMillis() - noticed);
      metrics.takeoverSeconds().record(Duration.ofMillis(millis));
      log.info("op=takeover vip={} took_ms={}", InetAddresses.format(vip), millis);
    }
  }
}
