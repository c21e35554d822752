package dev.vipd.daemon;

import dev.vipd.cluster.ClusterNode;
import dev.vipd.cluster.election.Pool;
import dev.vipd.daemon.config.ConfigException;
import dev.vipd.daemon.config.ConfigLoader;
import dev.vipd.daemon.config.ConfigReload;
import dev.vipd.daemon.config.ReloadPlan;
import dev.vipd.daemon.config.VipdConfig;
import dev.vipd.daemon.health.HealthMonitor;
import dev.vipd.daemon.hooks.HookRunner;
import dev.vipd.daemon.link.LinkWatcher;
import dev.vipd.daemon.metrics.VipdMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A SIGHUP reload, all or nothing.
 *
 * <ol>
 *   <li><b>Validate</b> everything first: the file whole, its interfaces on this host, the keys that
 *       cannot change at run time, and whatever the election's and data plane's own types would
 *       refuse (the binders build those types, and the election's pools are built here). A refusal
 *       changes nothing.
 *   <li><b>Prepare</b> what can fail for reasons outside the file: sockets on new interfaces, a
 *       new link watcher, the new health probes. If one fails, what was prepared is closed again
 *       and the running configuration stays.
 *   <li><b>Apply</b> the rest, which cannot fail on valid input: announce settings, hooks,
 *       eligibility, the per-VIP gauges, the running configuration, then re-reconciling every VIP
 *       this node holds ({@link OwnershipBridge#reconcile}), the cluster's pools, and last the
 *       sockets of interfaces no pool uses any more are closed.
 * </ol>
 */
final class Reloader {
  private static final Logger log = LoggerFactory.getLogger(Reloader.class);

  private final RunningConfig running;
  private final DataPlane dataPlane;
  private final HookRunner hooks;
  private final HealthMonitor health;
  private final Eligibility eligibility;
  private final LinkReactions links;
  private final OwnershipBridge bridge;
  private final VipdMetrics metrics;
  private final Supplier<ClusterNode> cluster;
  private final Runnable eligibilityChanged;

  Reloader(RunningConfig running, DataPlane dataPlane, HookRunner hooks, HealthMonitor health,
      Eligibility eligibility, LinkReactions links, OwnershipBridge bridge, VipdMetrics metrics,
      Supplier<ClusterNode> cluster, Runnable eligibilityChanged) {
    this.running = running;
    this.dataPlane = dataPlane;
    this.hooks = hooks;
    this.health = health;
    this.eligibility = eligibility;
    this.links = links;
    this.bridge = bridge;
    this.metrics = metrics;
    this.cluster = cluster;
    this.eligibilityChanged = eligibilityChanged;
  }

  /**
   * Reloads {@code file}. On any problem the running configuration stays untouched.
   *
   * @throws ConfigException when the file is refused (every problem listed)
   * @throws IOException when a socket or the link watcher for a new interface cannot be opened
   */
  synchronized ReloadPlan reload(Path file) throws ConfigException, IOException {
    try {
      ReloadPlan plan = apply(file);
      metrics.configReload(true);
      log.info("op=reload result=success pools_added={} pools_removed={} pools_changed={}",
          plan.addedPools().size(), plan.removedPools().size(), plan.changedPools().size());
      return plan;
    } catch (ConfigException | IOException | RuntimeException e) {
      metrics.configReload(false);
      log.error("op=reload result=failure msg=\"kept the running configuration: {}\"",
          e.getMessage());
      throw e;
    }
  }

  private ReloadPlan apply(Path file) throws ConfigException, IOException {
    VipdConfig before = running.get();
    // 1. Validate.
    VipdConfig next = ConfigLoader.load(file);
    ConfigLoader.checkInterfaces(next, Specs::interfaceExists);
    ReloadPlan plan = ConfigReload.diff(before, next);
    List<Pool> pools = Specs.pools(next);
    // 2. Prepare.
    List<String> opened = dataPlane.openAll(next.interfaces());
    LinkWatcher watcher = null;
    try {
      if (!next.interfaces().equals(before.interfaces())) {
        watcher = links.prepare(next.interfaces());
      }
      health.update(next.healthChecks().values().stream().toList());
    } catch (RuntimeException e) {
      if (watcher != null) {
        watcher.close();
      }
      dataPlane.closeAll(opened);
      throw e;
    }
    // 3. Apply.
    if (plan.announceChanged()) {
      dataPlane.update(next.announce());
    }
    dataPlane.unicastTargets(Specs.unicastTargets(next));
    if (plan.hooksChanged()) {
      hooks.update(next.hooks());
    }
    eligibility.setPools(next.pools());
    if (watcher != null) {
      links.swap(watcher);
    }
    running.set(next);
    metrics.setConfiguredVips(running.vipsByPool());
    eligibilityChanged.run();
    int changes = bridge.reconcile();
    ClusterNode c = cluster.get();
    if (c != null) {
      c.updatePools(pools);
    }
    Set<String> unused = new HashSet<>(dataPlane.interfaces());
    unused.removeAll(next.interfaces());
    dataPlane.closeAll(unused);
    log.info("op=reload vips_reconciled={} interfaces_closed={}", changes, unused.size());
    return plan;
  }
}
