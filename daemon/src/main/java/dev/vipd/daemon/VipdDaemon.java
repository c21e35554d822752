package dev.vipd.daemon;

import dev.vipd.cluster.ClusterNode;
import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.daemon.binding.Command;
import dev.vipd.daemon.binding.InterfaceBinding;
import dev.vipd.daemon.binding.LocalBinding;
import dev.vipd.daemon.binding.NoBinding;
import dev.vipd.daemon.binding.RouteLocalBinding;
import dev.vipd.daemon.config.ConfigLoader;
import dev.vipd.daemon.config.VipdConfig;
import dev.vipd.daemon.control.ControlHandler;
import dev.vipd.daemon.control.ControlServer;
import dev.vipd.daemon.control.Json;
import dev.vipd.daemon.health.HealthMonitor;
import dev.vipd.daemon.health.ProbeFactory;
import dev.vipd.daemon.health.Unprivileged;
import dev.vipd.daemon.hooks.HookRunner;
import dev.vipd.daemon.http.HttpEndpoint;
import dev.vipd.daemon.metrics.VipdMetrics;
import dev.vipd.daemon.systemd.SystemdNotifier;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * One running vipd, and the only place where its parts are built, started and closed.
 *
 * <p>Build (no threads start): metrics, the local binding, hooks, the data plane, the ownership
 * bridge, eligibility, health checks, link reactions and the reloader, each given what it needs.
 * Start, in dependency order: stale bindings of an earlier run are removed; the data plane opens
 * its sockets (nothing is owned yet); health checks and link watching start, so the node's
 * eligibility is known before it joins; the cluster member joins and ownership events start to
 * flow; then the read-only HTTP endpoint, the control socket, the signal handlers, {@code
 * READY=1} and the watchdog. Stop is a graceful hand-over ({@link ClusterNode#leave}) before
 * everything closes in reverse order and the node's own routes or addresses are removed.
 */
final class VipdDaemon implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VipdDaemon.class);
  /** Bound on the hand-over at stop and drain; systemd's TimeoutStopSec must exceed it. */
  static final Duration LEAVE_TIMEOUT = Duration.ofSeconds(10);
  private static final String HAZELCAST_LOGGING = "hazelcast.logging.type";

  private final Path configFile;
  private final VipdMetrics metrics;
  private final RunningConfig running;
  private final DrainState drainState;
  private final ScheduledExecutorService timers;
  private final ExecutorService hookWorkers;
  /** Unservable VIPs go to the cluster here, never on the data plane's thread. */
  private final ExecutorService unservableReports;
  /** Drains run here, never behind slow hooks. */
  private final ExecutorService drainer;
  private final LocalBinding binding;
  private final HookRunner hooks;
  private final DataPlane dataPlane;
  private final OwnershipBridge bridge;
  private final Eligibility eligibility;
  private final HealthMonitor health;
  private final LinkReactions links;
  private final Reloader reloader;
  private final SystemdNotifier systemd;
  private final Liveness liveness = new Liveness(System::nanoTime, Liveness.STALL_BOUND);
  /** Probes the cluster thread with a blocking call, so it must not be a shared thread. */
  private final ScheduledExecutorService clusterProbe;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicBoolean stopping = new AtomicBoolean();
  private volatile ClusterNode cluster;
  private final UnservableReporter unservable;
  private HttpEndpoint http;
  private ControlServer control;
  private boolean closed;

  private VipdDaemon(VipdConfig config, Path configFile) {
    this.configFile = configFile;
    this.metrics = new VipdMetrics(Vipd.version());
    this.running = new RunningConfig(config);
    this.drainState = new DrainState(config.drainStateFile());
    AtomicInteger threads = new AtomicInteger();
    this.timers = Executors.newScheduledThreadPool(2,
        r -> daemonThread(r, "vipd-timer-" + threads.incrementAndGet()));
    this.hookWorkers = Executors.newFixedThreadPool(4,
        r -> daemonThread(r, "vipd-hook-" + threads.incrementAndGet()));
    this.drainer = Executors.newSingleThreadExecutor(r -> daemonThread(r, "vipd-drain"));
    this.unservableReports =
        Executors.newSingleThreadExecutor(r -> daemonThread(r, "vipd-unservable"));
    this.clusterProbe = Executors.newSingleThreadScheduledExecutor(
        r -> daemonThread(r, "vipd-liveness-cluster"));
    Unprivileged unprivileged = Unprivileged.detect();
    Command ip = Command.direct();
    this.binding = switch (config.bindMode()) {
      case ROUTE_LOCAL -> new RouteLocalBinding(ip, running::interfaceOf);
      case INTERFACE -> new InterfaceBinding(ip, running::interfaceOf);
      case NONE -> new NoBinding();
    };
    this.hooks = new HookRunner(config.hooks(), hookWorkers, unprivileged, metrics.registry());
    TakeoverTimer takeovers = new TakeoverTimer(metrics, System::currentTimeMillis);
    this.unservable = new UnservableReporter(unservableReports, this::reportUnservable);
    this.dataPlane = new DataPlane(config.announce(), metrics.registry(), this::isHandingOver,
        takeovers, binding, unservable);
    this.bridge = new OwnershipBridge(dataPlane, metrics, hooks, takeovers, running);
    this.eligibility = new Eligibility(config.pools(),
        pools -> {
          ClusterNode c = cluster;
          if (c != null) {
            c.setUnhealthyPools(pools);
          }
        },
        pools -> {
          ClusterNode c = cluster;
          if (c != null) {
            c.setLinkDownPools(pools);
          }
        });
    this.health = new HealthMonitor(timers, HealthMonitor.newProbeExecutor(4, 64),
        ProbeFactory.standard(unprivileged), metrics.registry(), (check, up) -> {
          log.info("op=health check={} up={}", check, up);
          refreshEligibility();
        });
    this.links = new LinkReactions(dataPlane, this::refreshEligibility, ip, timers);
    this.reloader = new Reloader(running, dataPlane, hooks, health, eligibility, links, bridge,
        metrics, () -> cluster, this::refreshEligibility);
    this.systemd = SystemdNotifier.fromEnvironment();
  }

  /**
   * Starts a daemon for {@code config}, read from {@code configFile} (reloaded on SIGHUP); on
   * failure everything already started is closed, the cluster member included.
   */
  static VipdDaemon start(VipdConfig config, Path configFile) throws Exception {
    // Hazelcast's own start-up warnings are logged before its config's logging type applies; as
    // a JVM property it applies from the first line, so they reach vipd's log (stdout), not
    // stderr, which stays for the one-line reasons a start fails.
    if (System.getProperty(HAZELCAST_LOGGING) == null) {
      System.setProperty(HAZELCAST_LOGGING, "slf4j");
    }
    ConfigLoader.checkInterfaces(config, Specs::interfaceExists);
    ClusterSecret secret = ClusterSecret.load(config.cluster().secretFile());
    VipdDaemon d = new VipdDaemon(config, configFile);
    try {
      d.startParts(config, secret);
      return d;
    } catch (Exception e) {
      d.close();
      throw e;
    }
  }

  private void startParts(VipdConfig config, ClusterSecret secret) throws Exception {
    binding.cleanup(); // what a crashed run left behind; only vipd's own, by marker
    dataPlane.unicastTargets(Specs.unicastTargets(config));
    dataPlane.openAll(config.interfaces());
    health.start(config.healthChecks().values().stream().toList());
    links.swap(links.prepare(config.interfaces()));
    metrics.setConfiguredVips(running.vipsByPool());
    // Known before joining, so the writer never places a VIP here that this node cannot serve:
    // checks start down, links may be down, and a drain survives restarts.
    refreshEligibility();
    boolean drained = drainState.isDrained();
    if (drained) {
      log.info("op=drain msg=\"drained before the restart ({}); staying drained\"",
          drainState.file());
    }
    cluster = ClusterNode.start(Specs.clusterSettings(config, secret), Specs.pools(config),
        bridge, metrics.registry(), eligibility.unhealthy(), eligibility.linkDown(), drained);
    refreshEligibility();
    cluster.setUnhealthyPools(eligibility.unhealthy());
    cluster.setLinkDownPools(eligibility.linkDown());
    unservable.republish(); // what failed before the cluster member existed
    StatusView status = new StatusView(this);
    http = new HttpEndpoint(new InetSocketAddress(config.http().host(), config.http().port()),
        metrics.registry(), status::json, liveness::alive, liveness::describe);
    http.start();
    startHeartbeats();
    Map<String, ControlHandler> commands = new HashMap<>(DebugControls.enabled(bridge));
    commands.putAll(Map.of(
        "drain", () -> {
          startDrain();
          return "{\"draining\":true}";
        },
        "undrain", () -> {
          undrain();
          return "{\"draining\":false}";
        },
        "owned", () -> "{\"owned\":" + ownedHere() + "}",
        "status", status::json,
        "status-text", () -> Json.write(status.text())));
    control = new ControlServer(config.controlSocket(), commands,
        ControlServer.DEFAULT_CLIENT_TIMEOUT);
    control.start();
    Signal.handle(new Signal("HUP"), s -> reload());
    // TERM and INT stop through our own handler, not the JVM's default one, which would run the
    // shutdown hooks and then exit with 143: a clean stop exits 0 for systemd.
    Signal.handle(new Signal("TERM"), s -> stopInBackground());
    Signal.handle(new Signal("INT"), s -> stopInBackground());
    systemd.ready();
    systemd.startWatchdog(timers, liveness::alive);
    log.info("op=start node={} pools={} http={}:{} msg=\"running\"", config.node().name(),
        config.pools().size(), config.http().host().getHostAddress(), config.http().port());
  }

  /**
   * Heart-beats of the cluster thread, the data plane's threads and the HTTP loop, each asked for
   * every {@link Liveness#BEAT_INTERVAL} on the part's own thread.
   */
  private void startHeartbeats() {
    long period = Liveness.BEAT_INTERVAL.toMillis();
    Runnable clusterBeat = liveness.heart("cluster");
    clusterProbe.scheduleWithFixedDelay(() -> {
      try {
        cluster.status(); // runs on the cluster thread; waits while that thread is stuck
        clusterBeat.run();
      } catch (RuntimeException e) {
        log.warn("op=liveness part=cluster msg=\"{}\"", e.getMessage());
      }
    }, 0, period, TimeUnit.MILLISECONDS);
    Runnable httpBeat = liveness.heart("http");
    timers.scheduleAtFixedRate(() -> {
      dataPlane.requestBeats(liveness::heart);
      try {
        http.execute(httpBeat);
      } catch (RejectedExecutionException e) {
        // closing
      }
    }, 0, period, TimeUnit.MILLISECONDS);
  }

  /**
   * The VIPs this node cannot serve now (their bind, join or filter failed), on the reporter's
   * thread: published in this node's signed status, so the writer places them elsewhere (they are
   * retried, counted and shown in /status meanwhile).
   */
  private void reportUnservable(Set<InetAddress> vips) {
    ClusterNode c = cluster;
    if (c != null) {
      c.setUnservable(vips);
    }
    log.info("op=unservable vips={} msg=\"published: the cluster places these elsewhere\"",
        vips.size());
  }

  /** The VIPs the data plane failed to serve (for /status). */
  Map<InetAddress, VipFaults.Fault> vipFaults() {
    return dataPlane.faults();
  }

  /** Blocks until a stop signal was handled and everything is closed. */
  void awaitStop() throws InterruptedException {
    stopped.await();
  }

  VipdConfig config() {
    return running.get();
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

  /**
   * Records the drain so that it survives a restart, then hands every VIP over on the drain
   * thread ({@link #ownedHere} tells when it is done).
   *
   * @throws IOException when the drain cannot be recorded: nothing changed, the CLI is told
   */
  void startDrain() throws IOException {
    drainState.markDrained();
    drainer.execute(() -> cluster.drain(LEAVE_TIMEOUT));
  }

  void undrain() throws IOException {
    drainState.clear();
    cluster.undrain();
  }

  /** How many VIPs the cluster's table names this node for. */
  long ownedHere() {
    String self = running.get().node().name();
    return cluster.status().owners().values().stream().filter(a -> a.node().equals(self)).count();
  }

  private void reload() {
    try {
      reloader.reload(configFile);
    } catch (Exception e) {
      // already logged with every problem; the running configuration stays
    }
  }

  private void stopInBackground() {
    if (stopping.compareAndSet(false, true)) {
      Thread t = new Thread(() -> {
        systemd.stopping();
        log.info("op=stop msg=\"handing VIPs over\"");
        stop();
        log.info("op=stop msg=\"stopped\"");
        stopped.countDown();
      }, "vipd-stop");
      t.start();
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
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (AutoCloseable part : new AutoCloseable[] {control, http, cluster, links, health,
        dataPlane, hooks}) {
      closeQuietly(part);
    }
    try {
      binding.cleanup();
    } catch (RuntimeException e) {
      log.warn("op=cleanup msg=\"{}\"", e.getMessage());
    }
    for (ExecutorService e : List.of(clusterProbe, drainer, unservableReports, hookWorkers,
        timers)) {
      e.shutdownNow();
    }
    systemd.close();
  }

  private boolean isHandingOver(InetAddress vip) {
    ClusterNode c = cluster;
    return c != null && c.isHandingOver(vip);
  }

  private void refreshEligibility() {
    eligibility.update(health::isUp, links::carrier);
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
}
