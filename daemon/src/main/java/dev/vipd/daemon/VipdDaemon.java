package dev.vipd.daemon;

import dev.vipd.cluster.ClusterNode;
import dev.vipd.cluster.ClusterSettings;
import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.cluster.beacon.FailureDetectionProfile;
import dev.vipd.daemon.binding.Command;
import dev.vipd.daemon.binding.DelayedUnbinder;
import dev.vipd.daemon.binding.InterfaceBinding;
import dev.vipd.daemon.binding.LocalBinding;
import dev.vipd.daemon.binding.NoBinding;
import dev.vipd.daemon.binding.RouteLocalBinding;
import dev.vipd.daemon.config.ConfigException;
import dev.vipd.daemon.config.ConfigLoader;
import dev.vipd.daemon.config.ConfigReload;
import dev.vipd.daemon.config.PoolConfig;
import dev.vipd.daemon.config.ReloadPlan;
import dev.vipd.daemon.config.VipdConfig;
import dev.vipd.daemon.health.HealthMonitor;
import dev.vipd.daemon.health.ProbeFactory;
import dev.vipd.daemon.health.Unprivileged;
import dev.vipd.daemon.hooks.HookRunner;
import dev.vipd.daemon.link.LinkListener;
import dev.vipd.daemon.link.LinkState;
import dev.vipd.daemon.link.LinkWatcher;
import dev.vipd.daemon.metrics.VipdMetrics;
import dev.vipd.protocol.AnnouncementListener;
import dev.vipd.protocol.wire.InetAddresses;
import dev.vipd.protocol.wire.MacAddress;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running vipd: builds the components in dependency order, starts them, applies reloads and
 * closes them in reverse order.
 *
 * <p>Start order: stale bindings of an earlier run are removed; the data plane opens its sockets
 * (nothing is owned yet); health checks and link watching start, so the node's eligibility is known
 * before it joins; the cluster member joins and ownership events start to flow; last the
 * read-only HTTP endpoint. Stop is a graceful hand-over ({@link ClusterNode#leave}) before the
 * data plane closes, then the node's own routes or addresses are removed.
 */
final class VipdDaemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VipdDaemon.class);
  /** Bound on the hand-over at stop; systemd's TimeoutStopSec must exceed it. */
  static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(10);

  private final VipdMetrics metrics;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService workers;
  private final LocalBinding binding;
  private final DataPlane dataPlane;
  private final HookRunner hooks;
  private final Eligibility eligibility;
  private final HealthMonitor health;
  private final Unprivileged unprivileged;
  private final OwnershipBridge bridge;
  /** RFC 5227 section 2.4: defend an address at most once per 10 s. */
  static final long DEFEND_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);
  private final Map<InetAddress, Long> lastDefence = new ConcurrentHashMap<>();
  private volatile VipdConfig config;
  private volatile Map<String, String> interfaceOfPool;
  private volatile Map<InetAddress, String> interfaceOfVip;
  private volatile LinkWatcher links;
  private volatile ClusterNode cluster;

  private VipdDaemon(VipdConfig config, VipdMetrics metrics) throws IOException {
    this.config = config;
    this.metrics = metrics;
    index(config);
    AtomicInteger threads = new AtomicInteger();
    this.scheduler = Executors.newScheduledThreadPool(2, r -> daemonThread(r,
        "vipd-timer-" + threads.incrementAndGet()));
    this.workers = Executors.newFixedThreadPool(4, r -> daemonThread(r,
        "vipd-worker-" + threads.incrementAndGet()));
    this.unprivileged = Unprivileged.detect();
    Command ip = Command.direct();
    this.binding = switch (config.bindMode()) {
      case ROUTE_LOCAL -> new RouteLocalBinding(ip, vip -> interfaceOfVip.get(vip));
      case INTERFACE -> new InterfaceBinding(ip, vip -> interfaceOfVip.get(vip));
      case NONE -> new NoBinding();
    };
    this.hooks = new HookRunner(Specs.hooks(config.hooks()), workers, unprivileged,
        metrics.registry());
    OwnershipForwarder forwarder = new OwnershipForwarder();
    this.dataPlane = new DataPlane(Specs.announce(config.announce()), metrics.registry(),
        this::conflict,
        forwarder, new DelayedUnbinder(binding, scheduler, DelayedUnbinder.DEFAULT_GRACE));
    OwnershipBridge bridge = new OwnershipBridge(dataPlane, metrics, hooks,
        pool -> interfaceOfPool.get(pool));
    forwarder.target = bridge;
    this.eligibility = new Eligibility(config.pools(),
        pools -> ifCluster(c -> c.setUnhealthyPools(pools)),
        pools -> ifCluster(c -> c.setLinkDownPools(pools)));
    this.health = new HealthMonitor(scheduler, HealthMonitor.newProbeExecutor(4, 64),
        ProbeFactory.standard(unprivileged), metrics.registry(), (check, up) -> {
          log.info("op=health check={} up={}", check, up);
          refreshEligibility();
        });
    this.bridge = bridge;
  }

  /** Starts a daemon for {@code config}; on failure everything already started is closed. */
  static VipdDaemon start(VipdConfig config, VipdMetrics metrics) throws Exception {
    ConfigLoader.checkInterfaces(config, VipdDaemon::interfaceExists);
    ClusterSecret secret = ClusterSecret.load(config.cluster().secretFile());
    VipdDaemon d = new VipdDaemon(config, metrics);
    try {
      d.binding.cleanup(); // what a crashed run left behind; only vipd's own, by marker
      for (String iface : d.interfaces(config)) {
        d.dataPlane.open(iface);
      }
      d.health.start(Specs.healthChecks(config));
      d.startLinkWatcher(config);
      metrics.setConfiguredVips(configuredVips(config));
      // Known before joining, so the writer never places a VIP here that this node cannot serve:
      // checks start down, links may be down, and a drain survives restarts.
      d.refreshEligibility();
      boolean drained = Files.exists(config.drainStateFile());
      if (drained) {
        log.info("op=drain msg=\"drained before the restart ({}); staying drained\"",
            config.drainStateFile());
      }
      d.cluster = ClusterNode.start(d.clusterSettings(config, secret), Specs.pools(config),
          d.bridge, metrics.registry(), d.eligibility.unhealthy(), d.eligibility.linkDown(),
          drained);
      d.refreshEligibility();
      d.cluster.setUnhealthyPools(d.eligibility.unhealthy());
      d.cluster.setLinkDownPools(d.eligibility.linkDown());
      return d;
    } catch (Exception e) {
      d.close();
      throw e;
    }
  }

  VipdConfig config() {
    return config;
  }

  ClusterNode cluster() {
    return cluster;
  }

  Eligibility eligibility() {
    return eligibility;
  }

  HealthMonitor health() {
    return health;
  }

  DataPlane dataPlane() {
    return dataPlane;
  }

  /**
   * Records the drain so that it survives a restart, then hands every VIP over in the background
   * ({@link #ownedHere} tells when it is done).
   */
  void startDrain() throws IOException {
    Path file = config.drainStateFile();
    Files.createDirectories(file.getParent());
    Files.writeString(file, "drained\n");
    workers.execute(() -> cluster.drain(LEAVE_TIMEOUT));
  }

  /** How many VIPs the cluster's table names this node for. */
  long ownedHere() {
    String self = config.node().name();
    return cluster.status().owners().values().stream().filter(a -> a.node().equals(self)).count();
  }

  void undrain() throws IOException {
    Files.deleteIfExists(config.drainStateFile());
    cluster.undrain();
  }

  /**
   * Reloads {@code file}: validates it whole, refuses keys that cannot change at run time, and
   * applies only the difference. On any problem the running configuration stays untouched.
   */
  synchronized ReloadPlan reload(Path file) throws ConfigException, IOException {
    try {
      VipdConfig next = ConfigLoader.load(file);
      ConfigLoader.checkInterfaces(next, VipdDaemon::interfaceExists);
      ReloadPlan plan = ConfigReload.diff(config, next);
      for (String iface : interfaces(next)) {
        dataPlane.open(iface);
      }
      index(next);
      if (plan.announceChanged()) {
        dataPlane.update(Specs.announce(next.announce()));
      }
      if (plan.hooksChanged()) {
        hooks.update(Specs.hooks(next.hooks()));
      }
      health.update(Specs.healthChecks(next));
      eligibility.setPools(next.pools());
      if (!interfaces(next).equals(interfaces(config))) {
        startLinkWatcher(next);
      }
      metrics.setConfiguredVips(configuredVips(next));
      config = next;
      refreshEligibility();
      cluster.updatePools(Specs.pools(next));
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

  /** Graceful stop: hand everything over (bounded), then close. */
  void stop() {
    ClusterNode c = cluster;
    if (c != null) {
      boolean handedOver = c.leave(LEAVE_TIMEOUT);
      log.info("op=stop handed_over={}", handedOver);
    }
    close();
  }

  @Override
  public void close() {
    closeQuietly(cluster);
    closeQuietly(links);
    closeQuietly(health);
    closeQuietly(dataPlane);
    closeQuietly(hooks);
    try {
      binding.cleanup();
    } catch (RuntimeException e) {
      log.warn("op=cleanup msg=\"{}\"", e.getMessage());
    }
    scheduler.shutdownNow();
    workers.shutdownNow();
  }

  /**
   * Another MAC claims a VIP this node answers for. During a hand-over (drain, leave, stop) the
   * successor announces while this node still answers for a moment on purpose: that claim is
   * expected and not counted. Anything else is a real conflict: counted, logged, and defended
   * with a fresh announcement at most once per {@link #DEFEND_INTERVAL_NANOS} per VIP (RFC 5227
   * section 2.4), so that two hosts never start a GARP war. If the other host is a cluster member
   * with a newer epoch, the ownership table moves the VIP away from here and the defence stops
   * with the release. Runs on the receive thread: nothing here blocks.
   */
  private boolean conflict(InetAddress vip, long otherMac) {
    ClusterNode c = cluster;
    if (c != null && c.isHandingOver(vip)) {
      log.debug("op=handover vip={} other_mac={} msg=\"successor announcing\"",
          InetAddresses.format(vip), MacAddress.of(otherMac));
      return false;
    }
    long now = System.nanoTime();
    Long last = lastDefence.get(vip);
    boolean defend = last == null || now - last >= DEFEND_INTERVAL_NANOS;
    log.warn("op=conflict vip={} other_mac={} defend={} msg=\"another host claims an owned VIP\"",
        InetAddresses.format(vip), MacAddress.of(otherMac), defend);
    if (defend) {
      lastDefence.put(vip, now);
      String iface = interfaceOfVip.get(vip);
      if (iface != null) {
        dataPlane.defend(iface, vip);
      }
    }
    return true;
  }

  private void refreshEligibility() {
    LinkWatcher watcher = links;
    eligibility.update(health::isUp,
        iface -> watcher == null || watcher.current(iface).map(LinkState::carrier).orElse(false));
  }

  private void startLinkWatcher(VipdConfig c) {
    LinkWatcher old = links;
    LinkWatcher watcher = new LinkWatcher(Command.direct(), interfaces(c), new LinkListener() {
      @Override
      public void carrierChanged(String name, boolean up) {
        log.warn("op=link interface={} carrier={}", name, up);
        refreshEligibility();
      }

      @Override
      public void macChanged(String name, String newMac) {
        // The sockets read the MAC once, when opened: new sockets answer and announce with the
        // new one, and re-acquiring every owned VIP on them sends a fresh burst.
        log.warn("op=link interface={} mac={} msg=\"reopening sockets and re-announcing\"", name,
            newMac);
        dataPlane.reopen(name);
      }

      @Override
      public void recreated(String name, int newIndex) {
        log.warn("op=link interface={} index={} msg=\"reopening sockets\"", name, newIndex);
        dataPlane.reopen(name);
        refreshEligibility();
      }

      @Override
      public void removed(String name) {
        log.warn("op=link interface={} msg=\"removed\"", name);
        refreshEligibility();
      }
    }, scheduler);
    watcher.start();
    links = watcher;
    closeQuietly(old);
  }

  private ClusterSettings clusterSettings(VipdConfig c, ClusterSecret secret) throws IOException {
    InetAddress bind = bindAddress(c.cluster().bind());
    List<InetSocketAddress> peers = new ArrayList<>();
    for (InetAddress peer : c.cluster().peers()) {
      peers.add(new InetSocketAddress(peer, c.cluster().port()));
    }
    FailureDetectionProfile profile = switch (c.cluster().failureDetection()) {
      case DEFAULT -> FailureDetectionProfile.DEFAULT;
      case FAST -> FailureDetectionProfile.FAST;
    };
    return new ClusterSettings(c.cluster().name(), c.node().name(), c.node().labels(), bind,
        c.cluster().port(), peers, c.cluster().beaconPort(), profile, Specs.policy(c), secret,
        Duration.ofMillis(200));
  }

  /** An address literal as is; an interface name as its first IPv4 (else IPv6) address. */
  static InetAddress bindAddress(String bind) throws IOException {
    if (bind.matches("[0-9.]+") || bind.contains(":")) {
      return InetAddress.getByName(bind); // a literal: no lookup happens
    }
    NetworkInterface nif = NetworkInterface.getByName(bind);
    if (nif == null) {
      throw new IOException("cluster.bind: interface " + bind + " not found");
    }
    List<InetAddress> addresses = Collections.list(nif.getInetAddresses());
    return addresses.stream().filter(a -> a instanceof Inet4Address).findFirst()
        .or(() -> addresses.stream().filter(a -> !a.isLinkLocalAddress()).findFirst())
        .orElseThrow(() -> new IOException("cluster.bind: interface " + bind
            + " has no address"));
  }

  private void index(VipdConfig c) {
    Map<String, String> byPool = new LinkedHashMap<>();
    Map<InetAddress, String> byVip = new LinkedHashMap<>();
    for (PoolConfig p : c.pools()) {
      byPool.put(p.name(), p.interfaceName());
      p.addresses().forEach(a -> byVip.put(a, p.interfaceName()));
    }
    interfaceOfPool = Map.copyOf(byPool);
    interfaceOfVip = Map.copyOf(byVip);
  }

  private Set<String> interfaces(VipdConfig c) {
    Set<String> names = new LinkedHashSet<>();
    c.pools().forEach(p -> names.add(p.interfaceName()));
    return names;
  }

  static Map<String, List<InetAddress>> configuredVips(VipdConfig c) {
    Map<String, List<InetAddress>> vips = new LinkedHashMap<>();
    c.pools().forEach(p -> vips.put(p.name(), p.addresses()));
    return vips;
  }

  static boolean interfaceExists(String name) {
    try {
      return NetworkInterface.getByName(name) != null;
    } catch (SocketException e) {
      return false;
    }
  }

  private void ifCluster(Consumer<ClusterNode> action) {
    ClusterNode c = cluster;
    if (c != null) {
      action.accept(c);
    }
  }

  private static Thread daemonThread(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      log.warn("op=close component={} msg=\"{}\"", c.getClass().getSimpleName(), e.getMessage());
    }
  }

  /** Lets the data plane be built before the bridge that listens to its announcements. */
  private static final class OwnershipForwarder implements AnnouncementListener {
    volatile OwnershipBridge target;

    @Override
    public void firstAnnounced(InetAddress vip, long nanoTime) {
      OwnershipBridge t = target;
      if (t != null) {
        t.firstAnnounced(vip, nanoTime);
      }
    }
  }
}
