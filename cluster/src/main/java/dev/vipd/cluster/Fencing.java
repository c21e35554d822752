package dev.vipd.cluster;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Self-fencing after a pause: this node goes silent when it notices that it was not scheduled
 * for longer than the suspicion timeout, and speaks again only after a hold and once merged back
 * (see {@link ClusterNode} for why). Owns the fenced flag, the hold and the idle-gap watch of the
 * cluster thread; the time is an injected monotonic ticker.
 *
 * <p><b>Idle gaps.</b> Every task of the cluster thread runs through {@link #awake}, which first
 * checks how long that thread was idle since its previous task ended. A task scheduled every
 * beacon interval keeps those gaps short, so a gap longer than the suspicion timeout means this
 * process was not scheduled: the node is fenced before the task can act on a view the pause made
 * stale. {@link #deadline()} is taken from the start of the current run, so a deadline pushed by
 * a run that saw no gap is never later than the suspicion timeout after a moment we know we ran.
 *
 * <p>The hold is the suspicion timeout (peers may suspect us only that long after our last
 * beacon), plus two beacon intervals (the writer acts on the next evaluation), plus 1 s for the
 * replication of the reassignment to reach us. Each fence starts a new generation; an unfence
 * check of an older generation is stale.
 *
 * <p>{@link #fenced()} and {@link #fence} are safe from any thread; the rest runs on the cluster
 * thread.
 */
final class Fencing {
  private static final Logger log = LoggerFactory.getLogger(Fencing.class);

  /** Replication slack of the hold (see the class comment). */
  static final long REPLICATION_SLACK_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** What an unfence check found. */
  enum Check {
    /** A newer fence (or close) superseded this check. */
    STALE,
    /** Not merged back yet: check again after an interval. */
    HOLD,
    /** The node may unfence now. */
    READY
  }

  private final String node;
  private final long suspicionNanos;
  private final long intervalNanos;
  private final long holdNanos;
  private final LongSupplier ticker;
  private final AtomicInteger gauge;
  private final AtomicLong generation = new AtomicLong();
  private volatile boolean fenced;
  private long idleSince;
  private long lastAwake;
  private boolean holdLogged;

  /**
   * @param suspicionNanos the suspicion timeout: a longer idle gap is a pause
   * @param intervalNanos the beacon interval
   * @param ticker monotonic nanoseconds, {@code System::nanoTime} in production
   */
  Fencing(String node, long suspicionNanos, long intervalNanos, LongSupplier ticker,
      MeterRegistry registry) {
    this.node = node;
    this.suspicionNanos = suspicionNanos;
    this.intervalNanos = intervalNanos;
    this.holdNanos = suspicionNanos + 2 * intervalNanos + REPLICATION_SLACK_NANOS;
    this.ticker = ticker;
    this.gauge = registry.gauge("vipd.cluster.fenced", new AtomicInteger());
    this.idleSince = this.lastAwake = ticker.getAsLong();
  }

  /** Starts the idle-gap watch afresh (right before the cluster thread's periodic task starts). */
  void watchFromNow() {
    idleSince = lastAwake = ticker.getAsLong();
  }

  /** How long a fence holds at least. */
  long holdNanos() {
    return holdNanos;
  }

  long intervalNanos() {
    return intervalNanos;
  }

  boolean fenced() {
    return fenced;
  }

  /** The answer deadline a run that saw no gap may push: its start plus the suspicion timeout. */
  long deadline() {
    return lastAwake + suspicionNanos;
  }

  /**
   * Runs a cluster-thread task after checking the idle gap since the previous task (fencing
   * first when it was a pause); {@code onFence} is told of a fence this run started.
   *
   * @return whether this run saw a pause
   */
  boolean awake(Runnable task, FenceListener onFence) {
    long now = ticker.getAsLong();
    long idle = now - idleSince;
    lastAwake = now;
    boolean paused = idle > suspicionNanos;
    if (paused) {
      onFence.fenced(fence(idle));
    }
    try {
      task.run();
    } finally {
      idleSince = ticker.getAsLong();
    }
    return paused;
  }

  /** Called with the generation of a fence, to schedule its unfence check after the hold. */
  interface FenceListener {
    void fenced(long generation);
  }

  /**
   * Fences now (any thread).
   *
   * @return the generation to pass to {@link #check} after {@link #holdNanos()}
   */
  long fence(long pausedNanos) {
    long g = generation.incrementAndGet();
    if (!fenced) {
      log.warn("op=fenced node={} paused_ms={} hold_ms={}", node, pausedNanos / 1_000_000,
          holdNanos / 1_000_000);
    }
    fenced = true;
    gauge.set(1);
    return g;
  }

  /**
   * Whether the fence of {@code g} may end: its hold has passed (the caller scheduled this
   * check), no node alive outside our view beacons ({@code strangers}) and Hazelcast is not
   * merging. Logs the first wait of a fence.
   */
  Check check(long g, Set<String> strangers, boolean merging) {
    if (g != generation.get()) {
      return Check.STALE;
    }
    if (!strangers.isEmpty() || merging) {
      if (!holdLogged) {
        holdLogged = true;
        log.warn("op=fence-held node={} alive_outside_view={} merging={} hint=\"waiting to"
            + " merge back into the cluster before answering again\"", node, strangers, merging);
      }
      return Check.HOLD;
    }
    return Check.READY;
  }

  /** Ends the fence (after a {@link Check#READY} check). */
  void unfence(int held) {
    holdLogged = false;
    fenced = false;
    gauge.set(0);
    log.info("op=unfenced node={} held={}", node, held);
  }

  /** Makes pending checks stale and clears the gauge. */
  void close() {
    generation.incrementAndGet();
    gauge.set(0);
  }
}
