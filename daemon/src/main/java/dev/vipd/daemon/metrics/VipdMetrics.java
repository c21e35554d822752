package dev.vipd.daemon.metrics;

import dev.vipd.protocol.wire.InetAddresses;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The daemon's metric registry and the meters the wiring drives directly (DESIGN.md "Metrics").
 *
 * <p>Builds the one {@link PrometheusMeterRegistry} of the process with the JVM binders and {@code
 * vipd_build_info{version}}; other components get {@link #registry()} injected. On top it keeps the
 * per-VIP gauges in step with the configuration: {@code vipd_vip_owned{pool,vip}} exists for every
 * configured VIP on every node (0 on non-owners, so a scrape of any member lists the whole set),
 * and {@code vipd_vip_epoch{vip}} appears once the election reported an epoch.
 *
 * <p>VIP tags are the text of {@link InetAddresses#format}: dotted quad for IPv4, RFC 5952 for
 * IPv6. All methods are thread-safe; {@link #setConfiguredVips} and the updates are serialised on
 * this object so that a late update for a VIP removed by a reload cannot bring its gauge back.
 */
public final class VipdMetrics implements AutoCloseable {

  /**
   * Bucket bounds of {@code vipd_takeover_seconds}. A takeover is the time from "old owner lost" to
   * "first announcement sent": with beacons it is a few tens of milliseconds, after a suspicion
   * timeout up to a few seconds; the bounds are dense where failover budgets are judged (100 ms to
   * 1 s) and reach 10 s so that a slow cluster reaction is still resolved rather than lumped in
   * {@code +Inf}.
   */
  static final List<Duration> TAKEOVER_BUCKETS =
      List.of(
          Duration.ofMillis(5),
          Duration.ofMillis(10),
          Duration.ofMillis(25),
          Duration.ofMillis(50),
          Duration.ofMillis(100),
          Duration.ofMillis(200),
          Duration.ofMillis(300),
          Duration.ofMillis(500),
          Duration.ofMillis(800),
          Duration.ofSeconds(1),
          Duration.ofSeconds(2),
          Duration.ofSeconds(5),
          Duration.ofSeconds(10));

  private final PrometheusMeterRegistry registry;
  private final JvmGcMetrics gcMetrics;
  private final Timer takeover;
  private final Counter reloadSuccess;
  private final Counter reloadFailure;

  /** (pool, vip text) to the owned gauge's value; guarded by {@code this}. */
  private final Map<PoolVip, VipGauge<AtomicInteger>> owned = new HashMap<>();

  /** The text of every configured VIP, of any pool; guarded by {@code this}. */
  private final Set<String> configuredVips = new HashSet<>();
  /** vip text to the epoch gauge's value; guarded by {@code this}. */
  private final Map<String, VipGauge<AtomicLong>> epochs = new HashMap<>();

  /**
   * Creates the registry with the JVM metrics and {@code vipd_build_info{version}}.
   *
   * @param version the build's version, e.g. from the jar manifest ({@link #buildVersion()})
   */
  public VipdMetrics(String version) {
    Objects.requireNonNull(version, "version");
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    gcMetrics = new JvmGcMetrics();
    gcMetrics.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);

    Gauge.builder("vipd.build.info", () -> 1.0)
        .description("Always 1; the version of the running vipd is the tag.")
        .tag("version", version)
        .register(registry);
    takeover =
        Timer.builder("vipd.takeover")
            .description("Loss of the old owner noticed to first announcement sent.")
            .serviceLevelObjectives(TAKEOVER_BUCKETS.toArray(Duration[]::new))
            .register(registry);
    reloadSuccess = reloadCounter("success");
    reloadFailure = reloadCounter("failure");
  }

  /** The version in this jar's manifest, or {@code dev} when run from classes (tests, IDE). */
  public static String buildVersion() {
    String v = VipdMetrics.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** The registry to inject into every component that exports meters. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Replaces the set of configured VIPs (at start and on every reload): gauges of VIPs no longer
   * configured are removed, new VIPs appear as not owned; a VIP that stays keeps its value.
   *
   * @param vipsByPool pool name to the VIPs of that pool
   */
  public synchronized void setConfiguredVips(Map<String, List<InetAddress>> vipsByPool) {
    Set<PoolVip> wanted = new HashSet<>();
    vipsByPool.forEach(
        (pool, vips) -> vips.forEach(vip -> wanted.add(new PoolVip(pool, tag(vip)))));
    owned.entrySet().removeIf(e -> !wanted.contains(e.getKey()) && e.getValue().remove(registry));
    for (PoolVip key : wanted) {
      owned.computeIfAbsent(key, this::registerOwned);
    }
    configuredVips.clear();
    wanted.forEach(k -> configuredVips.add(k.vip()));
    epochs
        .entrySet()
        .removeIf(e -> !configuredVips.contains(e.getKey()) && e.getValue().remove(registry));
  }

  /**
   * Sets {@code vipd_vip_owned{pool,vip}} to 1 or 0. An update for a VIP that is not configured
   * (any more) is ignored and returns false: it is a late event from before a reload.
   */
  public synchronized boolean vipOwned(String pool, InetAddress vip, boolean isOwner) {
    VipGauge<AtomicInteger> gauge = owned.get(new PoolVip(pool, tag(vip)));
    if (gauge == null) {
      return false;
    }
    gauge.value().set(isOwner ? 1 : 0);
    return true;
  }

  /**
   * Sets {@code vipd_vip_epoch{vip}}, registering it on the first call for that VIP. An update for
   * a VIP that is not configured (any more) is ignored and returns false.
   */
  public synchronized boolean vipEpoch(InetAddress vip, long epoch) {
    String text = tag(vip);
    VipGauge<AtomicLong> gauge = epochs.get(text);
    if (gauge == null) {
      if (!configuredVips.contains(text)) {
        return false;
      }
      gauge = registerEpoch(text);
      epochs.put(text, gauge);
    }
    gauge.value().set(epoch);
    return true;
  }

  /** The {@code vipd_takeover_seconds} histogram; record one sample per takeover. */
  public Timer takeoverSeconds() {
    return takeover;
  }

  /** Counts one configuration reload in {@code vipd_config_reloads_total{result}}. */
  public void configReload(boolean ok) {
    (ok ? reloadSuccess : reloadFailure).increment();
  }

  /** Stops the GC listener and closes the registry; scrapes afterwards are empty. */
  @Override
  public void close() {
    gcMetrics.close();
    registry.close();
  }

  private Counter reloadCounter(String result) {
    return Counter.builder("vipd.config.reloads")
        .description("Configuration reloads by result.")
        .tag("result", result)
        .register(registry);
  }

  private VipGauge<AtomicInteger> registerOwned(PoolVip key) {
    AtomicInteger value = new AtomicInteger();
    Gauge gauge =
        Gauge.builder("vipd.vip.owned", value, AtomicInteger::get)
            .description("1 on the node that owns the VIP, 0 on every other member.")
            .tag("pool", key.pool())
            .tag("vip", key.vip())
            .register(registry);
    return new VipGauge<>(gauge, value);
  }

  private VipGauge<AtomicLong> registerEpoch(String vip) {
    AtomicLong value = new AtomicLong();
    Gauge gauge =
        Gauge.builder("vipd.vip.epoch", value, AtomicLong::get)
            .description("Ownership epoch of the VIP as last decided by the election.")
            .tag("vip", vip)
            .register(registry);
    return new VipGauge<>(gauge, value);
  }

  private static String tag(InetAddress vip) {
    return InetAddresses.format(Objects.requireNonNull(vip, "vip"));
  }

  private record PoolVip(String pool, String vip) {
    PoolVip {
      Objects.requireNonNull(pool, "pool");
    }
  }

  /** A registered gauge and the value it reads; the value is held strongly here. */
  private record VipGauge<T>(Gauge gauge, T value) {
    /** Removes the gauge from the registry; returns true so it can drive {@code removeIf}. */
    boolean remove(MeterRegistry registry) {
      registry.remove(gauge);
      return true;
    }
  }
}
