package dev.vipd.daemon;

import dev.vipd.daemon.binding.CommandRunner;
import dev.vipd.daemon.link.LinkListener;
import dev.vipd.daemon.link.LinkState;
import dev.vipd.daemon.link.LinkWatcher;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the daemon does when a pool interface changes, and the link watcher that tells it.
 *
 * <ul>
 *   <li>Carrier lost or regained, interface removed: the node's eligibility is recomputed (a pool
 *       whose link is down is not owned here).
 *   <li>MAC changed (bond failover): the sockets read the MAC once, when opened, so they are
 *       reopened; re-acquiring every owned VIP on them sends a fresh announcement burst.
 *   <li>Interface recreated (new index): the old sockets are bound to a dead index; reopened.
 * </ul>
 *
 * <p>A reload that changes the set of interfaces starts a new watcher first ({@link #prepare}) and
 * swaps it in only when the rest of the reload is applied ({@link #swap}).
 */
final class LinkReactions implements LinkListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LinkReactions.class);

  private final DataPlane dataPlane;
  private final Runnable eligibilityChanged;
  private final CommandRunner ip;
  private final ScheduledExecutorService scheduler;
  private volatile LinkWatcher watcher;

  LinkReactions(DataPlane dataPlane, Runnable eligibilityChanged, CommandRunner ip,
      ScheduledExecutorService scheduler) {
    this.dataPlane = dataPlane;
    this.eligibilityChanged = eligibilityChanged;
    this.ip = ip;
    this.scheduler = scheduler;
  }

  /** Starts a watcher for {@code interfaces}; it takes effect with {@link #swap}. */
  LinkWatcher prepare(Set<String> interfaces) {
    LinkWatcher next = new LinkWatcher(ip, interfaces, this, scheduler);
    next.start();
    return next;
  }

  /** Puts {@code next} in force and closes the previous watcher. */
  void swap(LinkWatcher next) {
    LinkWatcher old = watcher;
    watcher = next;
    if (old != null) {
      old.close();
    }
  }

  /** Whether {@code iface} has carrier; true before any watcher runs (nothing known yet). */
  boolean carrier(String iface) {
    LinkWatcher w = watcher;
    return w == null || w.current(iface).map(LinkState::carrier).orElse(false);
  }

  @Override
  public void carrierChanged(String name, boolean up) {
    log.warn("op=link interface={} carrier={}", name, up);
    eligibilityChanged.run();
  }

  @Override
  public void macChanged(String name, String newMac) {
    log.warn("op=link interface={} mac={} msg=\"reopening sockets and re-announcing\"", name,
        newMac);
    dataPlane.reopen(name);
  }

  @Override
  public void recreated(String name, int newIndex) {
    log.warn("op=link interface={} index={} msg=\"reopening sockets\"", name, newIndex);
    dataPlane.reopen(name);
    eligibilityChanged.run();
  }

  @Override
  public void removed(String name) {
    log.warn("op=link interface={} msg=\"removed\"", name);
    eligibilityChanged.run();
  }

  @Override
  public void close() {
    swap(null);
  }
}
