package dev.vipd.daemon.wire;

import dev.vipd.cluster.member.WireState;
import dev.vipd.cluster.member.WireState.Silent;
import dev.vipd.daemon.wire.WireJudge.Check;
import dev.vipd.daemon.wire.WireJudge.Owner;
import dev.vipd.daemon.wire.WireSampler.Probe;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's wire check (issue 13), one {@link #round} per {@code wire-check.interval}: the round
 * closes the previous one (each probe answered by the owner's MAC, by another MAC, or not at all:
 * counted in {@code vipd_wire_checks_total{pool,result}}), lets the {@link WireJudge} decide, and
 * publishes the resulting {@link WireState} only when it changed; then it sends this round's
 * probes ({@link WireSampler}). Replies arrive on the data plane's receive thread through {@link
 * #onReply}. Frame building and sending stay behind {@link Prober}.
 *
 * <p>Threads: {@link #round} on one scheduler thread, {@link #onReply} on any; both synchronized
 * on this checker (a reply costs one map lookup under the lock).
 */
public final class WireChecker {
  private static final Logger log = LoggerFactory.getLogger(WireChecker.class);

  /** Sends one ARP request or Neighbor Solicitation for a VIP on its pool's interface. */
  public interface Prober {
    void probe(Probe probe);
  }

  /** The last answer this node saw for a VIP: when (wall clock, for display) and from which MAC. */
  public record Seen(long atMillis, String mac) {}

  private final String self;
  private final Map<String, String> ownMacs;
  private final WireSampler sampler;
  private final WireJudge judge;
  private final Prober prober;
  private final Consumer<WireState> publisher;
  private final MeterRegistry registry;
  private final java.time.Clock clock;
  private final Map<String, Counter> counters = new HashMap<>();
  private final Map<InetAddress, Pending> pending = new HashMap<>();
  private final Map<InetAddress, Seen> seen = new HashMap<>();
  private WireState published;
  private long round;

  private static final class Pending {
    final Probe probe;
    final String ownerMac;
    final long ownerStart;
    String answeredBy;

    Pending(Probe probe, String ownerMac, long ownerStart) {
      this.probe = probe;
      this.ownerMac = ownerMac;
      this.ownerStart = ownerStart;
    }
  }

  /**
   * @param ownMacs this node's MAC per checked pool (published so peers know its answers)
   * @param publisher hands the state to the cluster ({@code ClusterNode::setWire})
   */
  public WireChecker(String self, Map<String, String> ownMacs, WireSampler sampler,
      WireJudge judge, Prober prober, Consumer<WireState> publisher, MeterRegistry registry,
      java.time.Clock clock) {
    this.self = Objects.requireNonNull(self, "self");
    this.ownMacs = Map.copyOf(ownMacs);
    this.sampler = sampler;
    this.judge = judge;
    this.prober = prober;
    this.publisher = publisher;
    this.registry = registry;
    this.clock = clock;
    Gauge.builder("vipd.wire.self.suspect", this, c -> c.suspect() ? 1 : 0)
        .description("1 while every wire check of this node fails (it suspects its own link)")
        .register(registry);
  }

  /** Closes the running round and starts the next one on {@code view}. */
  public synchronized void round(WireView view) {
    List<Check> checks = new ArrayList<>(pending.size());
    for (Pending p : pending.values()) {
      WireResult result = p.answeredBy == null ? WireResult.SILENT
          : p.answeredBy.equals(p.ownerMac) ? WireResult.ANSWERED : WireResult.FOREIGN;
      counter(p.probe.pool(), result).increment();
      if (result == WireResult.FOREIGN) {
        log.warn("op=wire-foreign vip={} pool={} owner={} owner_mac={} answered_by={}",
            p.probe.vip().getHostAddress(), p.probe.pool(), p.probe.owner(), p.ownerMac,
            p.answeredBy);
      }
      checks.add(new Check(new Owner(p.probe.pool(), p.probe.owner(), p.ownerStart), result));
    }
    pending.clear();
    boolean wasSuspect = judge.suspect();
    judge.round(checks);
    Set<Owner> members = new HashSet<>();
    view.incarnations().forEach((node, start) -> view.checkers().keySet()
        .forEach(pool -> members.add(new Owner(pool, node, start))));
    judge.retain(members);
    if (judge.suspect() != wasSuspect) {
      log.warn("op=wire-self-suspect node={} suspect={} hint=\"{}\"", self, judge.suspect(),
          judge.suspect() ? "every probe of this node failed: its reports are not used alone"
              : "probes answered again");
    }
    publishIfChanged();
    for (Probe p : sampler.sample(self, round++, view.owned(), view.checkers())) {
      String mac = view.macOf(p.owner(), p.pool());
      Long start = view.incarnations().get(p.owner());
      if (mac == null || start == null) {
        continue; // the owner runs no check there: its MAC is unknown, nothing to compare
      }
      pending.put(p.vip(), new Pending(p, mac, start));
      prober.probe(p);
    }
  }

  /** A reply claiming {@code vip} from {@code mac} arrived (ARP reply or NA). */
  public synchronized void onReply(InetAddress vip, String mac) {
    Pending p = pending.get(vip);
    if (p != null && (p.answeredBy == null || mac.equals(p.ownerMac))) {
      p.answeredBy = mac;
      seen.put(vip, new Seen(clock.millis(), mac));
    }
  }

  /** Per VIP, the last answer this node saw (for {@code /status}). */
  public synchronized Map<InetAddress, Seen> lastSeen() {
    return Map.copyOf(seen);
  }

  /** Whether this node suspects its own checks (for {@code /status} and a gauge). */
  public synchronized boolean suspect() {
    return judge.suspect();
  }

  private void publishIfChanged() {
    Set<Silent> silent = new HashSet<>();
    judge.silent().forEach(o -> silent.add(new Silent(o.pool(), o.node(), o.startTimeMillis())));
    WireState next = new WireState(ownMacs, silent, judge.suspect());
    if (!next.equals(published)) {
      if (published == null || !next.silent().equals(published.silent())) {
        log.info("op=wire-verdict node={} silent={} suspect={}", self, silent, next.suspect());
      }
      published = next;
      publisher.accept(next);
    }
  }

  private Counter counter(String pool, WireResult result) {
    return counters.computeIfAbsent(pool + '\u0000' + result.tag(), k ->
        Counter.builder("vipd.wire.checks").description("Wire checks sent by this node, by result")
            .tag("pool", pool).tag("result", result.tag()).register(registry));
  }
}
