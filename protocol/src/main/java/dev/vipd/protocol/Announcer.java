package dev.vipd.protocol;

import dev.vipd.protocol.AnnounceQueue.Entry;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces the addresses this node acquires on one interface: for each, a burst of gratuitous
 * ARPs (IPv4) or unsolicited Neighbor Advertisements (IPv6) so that clients and switches move to
 * this host at once, then one frame every refresh interval while the address stays owned, so that
 * a client that missed the burst does not keep the old MAC forever (MetalLB issue #2910). Frames
 * are built and sent by an {@link AnnouncementSink}; this class only decides when.
 *
 * <p>Lifecycle: {@code LATENT -> STARTED -> CLOSED}. The constructor schedules nothing; addresses
 * announced before {@link #start()} are sent once it is called; after {@link #close()} every call
 * but {@link #announced()} is a no-op.
 *
 * <p>Order and pacing: one pump task on the scheduler sends every frame, at most {@code
 * framesPerSecond} in any second (see {@link AnnouncePacer}). A pending first frame of a burst
 * always goes before any repeat or refresh frame, so when 200 addresses are acquired together
 * every address's first frame leaves before anybody's second one.
 *
 * <p>Gate: frames leave only while {@code mayAnnounce} is true (the responder's answer deadline
 * lies ahead: not paused, not fenced). A frame that falls due while it is false is not sent and
 * costs no budget, but its address stays announced ("parked"); {@link #resume()} sends the parked
 * addresses' frames once the gate opens, so a lapse loses no address's bursts or refreshes for good.
 *
 * <p>Threading: every public method is safe from any thread. State is guarded by one lock, which
 * the pump also holds while it checks {@code stillOwned} and calls the sink; so once {@link
 * #stop(InetAddress)} returns, no frame for the address is sent or being sent. The sink and the
 * ownership predicate must therefore not block. The listener is called without the lock.
 *
 * <p>Races known and accepted: ownership can change between the {@code stillOwned} check and the
 * frame leaving the socket (microseconds), which is why a release must call {@link #stop} before
 * it publishes the new owner. The scheduler's clock and the injected nano clock may disagree; the
 * pump then merely wakes early or late and reschedules itself.
 */
public final class Announcer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Announcer.class);

  private enum State { LATENT, STARTED, CLOSED }

  private record FirstSend(InetAddress vip, long nanoTime) {}

  private final String interfaceName;
  private final AnnouncementSink sink;
  private final ScheduledExecutorService scheduler;
  private final LongSupplier nanoClock;
  private final Predicate<InetAddress> stillOwned;
  private final BooleanSupplier mayAnnounce;
  private final AtomicBoolean resumeRequested = new AtomicBoolean();
  /**
   * Some entry is parked. Written before the pump re-reads the gate, read by {@link #resume()}
   * after the caller moved the gate: one of the two always sees the other (both volatile), so a
   * gate that opens while the pump parks never leaves an address parked for good.
   */
  private volatile boolean parkedAny;
  private final AnnouncementListener listener;
  private final AnnounceMeters meters;

  private final Object lock = new Object();
  // Everything below is guarded by lock.
  private State state = State.LATENT;
  private AnnounceSettings settings;
  private AnnouncePacer pacer;
  private final Map<InetAddress, Entry> entries = new HashMap<>();
  private final AnnounceQueue queue = new AnnounceQueue();
  private ScheduledFuture<?> pumpTask;
  private long pumpAt;
  private long pumpGeneration;

  public Announcer(String interfaceName, AnnouncementSink sink, AnnounceSettings settings,
      ScheduledExecutorService scheduler, LongSupplier nanoClock,
      Predicate<InetAddress> stillOwned, BooleanSupplier mayAnnounce,
      AnnouncementListener listener, MeterRegistry registry) {
    this.interfaceName = Objects.requireNonNull(interfaceName, "interfaceName");
    if (interfaceName.isBlank()) {
      throw new IllegalArgumentException("invalid interface name: '' (expected: non-empty)");
    }
    this.sink = Objects.requireNonNull(sink, "sink");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.stillOwned = Objects.requireNonNull(stillOwned, "stillOwned");
    this.mayAnnounce = Objects.requireNonNull(mayAnnounce, "mayAnnounce");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.pacer = new AnnouncePacer(settings.framesPerSecond());
    this.meters = new AnnounceMeters(registry, interfaceName);
  }

  /** Starts sending; addresses announced before are sent now. */
  public void start() {
    synchronized (lock) {
      if (state != State.LATENT) {
        throw new IllegalStateException("announcer on " + interfaceName + " already "
            + (state == State.STARTED ? "started" : "closed"));
      }
      state = State.STARTED;
      reschedulePumpLocked();
    }
  }

  /**
   * The address was acquired: a burst now (first frame as soon as pacing allows), then refresh.
   * Called again for an address already announced, the burst starts over (a new epoch) and the
   * listener is told again.
   */
  public void announce(InetAddress vip) {
    announceAll(List.of(vip));
  }

  /**
   * {@link #announce} for every address of a batch, under one lock acquisition and with one
   * reschedule: the first frames leave in the order given, paced as usual.
   */
  public void announceAll(Collection<? extends InetAddress> vips) {
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      for (InetAddress vip : vips) {
        Entry entry = entries.computeIfAbsent(Objects.requireNonNull(vip, "vip"), Entry::new);
        entry.acquisitions++;
        startBurstLocked(entry);
      }
      reschedulePumpLocked();
    }
  }

  /** {@link #stop} for every address of a batch, under one lock acquisition. */
  public void stopAll(Collection<? extends InetAddress> vips) {
    synchronized (lock) {
      for (InetAddress vip : vips) {
        Entry entry = entries.remove(vip);
        if (entry != null) {
          queue.remove(entry);
        }
      }
      reschedulePumpLocked();
    }
  }

  /**
   * The gate ({@code mayAnnounce}) may have opened again: every address whose frame fell due while
   * it was closed gets that frame now (paced, before any repeat), then its schedule goes on. Never
   * blocks and takes no lock: it hands the work to the scheduler, so the thread that pushes the
   * answer deadline (the cluster thread) never waits for the announcer.
   */
  public void resume() {
    if (parkedAny && resumeRequested.compareAndSet(false, true)) {
      try {
        scheduler.execute(this::resumeParked);
      } catch (RejectedExecutionException e) {
        resumeRequested.set(false); // shutting down: nothing to resume
      }
    }
  }

  private void resumeParked() {
    resumeRequested.set(false);
    synchronized (lock) {
      if (state == State.CLOSED || !gateOpenLocked()) {
        return; // still closed: a later resume() brings them back
      }
      parkedAny = false;
      int resumed = 0;
      for (Entry entry : entries.values()) {
        if (entry.parked) {
          entry.parked = false;
          queue.addFirst(entry);
          resumed++;
        }
      }
      if (resumed > 0) {
        log.info("op=announce-resume interface={} vips={}", interfaceName, resumed);
        reschedulePumpLocked();
      }
    }
  }

  /** The address was released: nothing more is sent for it, from the moment this returns. */
  public void stop(InetAddress vip) {
    stopAll(List.of(vip));
  }


  /**
   * New settings (config reload). They apply to frames scheduled from now on: a burst in progress
   * keeps its count, a refresh already due keeps its time. Turning the refresh on schedules one
   * for every address whose burst is over.
   */
  public void update(AnnounceSettings newSettings) {
    Objects.requireNonNull(newSettings, "settings");
    synchronized (lock) {
      boolean refreshTurnedOn = !settings.refreshEnabled() && newSettings.refreshEnabled();
      if (newSettings.framesPerSecond() != settings.framesPerSecond()) {
        pacer = pacer.withRate(newSettings.framesPerSecond());
      }
      settings = newSettings;
      if (refreshTurnedOn && state != State.CLOSED) {
        long now = nanoClock.getAsLong();
        for (Entry entry : entries.values()) {
          if (!queue.isQueued(entry)) {
            queue.addAt(entry, now + newSettings.refreshInterval().toNanos());
          }
        }
        reschedulePumpLocked();
      }
    }
  }

  /** The addresses announced now (a snapshot). */
  public Set<InetAddress> announced() {
    synchronized (lock) {
      return Set.copyOf(entries.keySet());
    }
  }

  /** Stops everything: nothing is sent after this returns. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      if (state == State.CLOSED) {
        return;
      }
      state = State.CLOSED;
      entries.clear();
      queue.clear();
      cancelPumpLocked();
    }
  }

  private void pump(long generation) {
    List<FirstSend> firstSends = new ArrayList<>();
    synchronized (lock) {
      if (generation != pumpGeneration || state != State.STARTED) {
        return; // superseded by a later schedule, or closed
      }
      pumpTask = null;
      drainLocked(firstSends);
      reschedulePumpLocked();
    }
    for (FirstSend first : firstSends) {
      try {
        listener.firstAnnounced(first.vip(), first.nanoTime());
      } catch (RuntimeException e) {
        log.warn("op=announce-listener interface={} vip={} error={}",
            interfaceName, first.vip().getHostAddress(), e.toString(), e);
      }
    }
  }

  /** Sends every frame that is due and fits the pacing budget. */
  private void drainLocked(List<FirstSend> firstSends) {
    while (true) {
      long now = nanoClock.getAsLong();
      Entry entry = queue.peekDue(now);
      if (entry == null || !pacer.mayProceed(now)) {
        return;
      }
      queue.remove(entry);
      if (!ownedLocked(entry)) {
        entries.remove(entry.vip, entry);
        log.info("op=announce-drop interface={} vip={} reason=not-owned",
            interfaceName, entry.vip.getHostAddress());
        continue;
      }
      if (entries.get(entry.vip) != entry) {
        continue; // stopped from inside stillOwned
      }
      if (!gateOpenLocked()) {
        // Silenced (answer deadline lapsed) or fenced: keep the address, send nothing, spend no
        // budget; resume() queues its frame again once the gate opens.
        entry.parked = true;
        parkedAny = true;
        if (gateOpenLocked()) {
          resume(); // the gate opened between the two reads: its opener may have missed parkedAny
        }
        continue;
      }
      if (entry.burstLeft == 0 && !settings.refreshEnabled()) {
        entry.burstLeft = 0; // a refresh that was turned off meanwhile
        scheduleRefreshLocked(entry, now);
        continue;
      }
      pacer.consume(now);
      long acquisition = entry.acquisitions;
      if (sendLocked(entry) && entry.notified != acquisition) {
        entry.notified = acquisition;
        firstSends.add(new FirstSend(entry.vip, nanoClock.getAsLong()));
      }
      if (entries.get(entry.vip) != entry || queue.isQueued(entry)) {
        continue; // stopped or announced again from inside the sink: that call decided
      }
      if (entry.burstLeft > 1) {
        entry.burstLeft--;
        queue.addAt(entry, now + settings.interval().toNanos());
      } else {
        entry.burstLeft = 0;
        scheduleRefreshLocked(entry, now);
      }
    }
  }

  private boolean ownedLocked(Entry entry) {
    return check(() -> stillOwned.test(entry.vip), "owned");
  }

  private boolean gateOpenLocked() {
    return check(mayAnnounce, "gate");
  }

  /** A predicate that throws says no: an address not owned, a gate closed. */
  private boolean check(BooleanSupplier predicate, String op) {
    try {
      return predicate.getAsBoolean();
    } catch (RuntimeException e) {
      log.warn("op=announce-{} interface={} error={} (treated as false)",
          op, interfaceName, e.toString(), e);
      return false;
    }
  }

  private boolean sendLocked(Entry entry) {
    boolean sent;
    try {
      sent = sink.send(entry.vip);
    } catch (RuntimeException e) {
      log.warn("op=announce interface={} vip={} error={}",
          interfaceName, entry.vip.getHostAddress(), e.toString(), e);
      sent = false;
    }
    if (sent) {
      meters.sent(entry.vip);
    } else {
      meters.failed(entry.vip);
      log.debug("op=announce interface={} vip={} result=failed",
          interfaceName, entry.vip.getHostAddress());
    }
    return sent;
  }

  private void startBurstLocked(Entry entry) {
    entry.parked = false;
    entry.burstLeft = settings.count();
    queue.addFirst(entry);
  }

  private void scheduleRefreshLocked(Entry entry, long now) {
    if (settings.refreshEnabled()) {
      queue.addAt(entry, now + settings.refreshInterval().toNanos());
    } else {
      queue.remove(entry);
    }
  }

  /** Makes the pump run when the next frame may leave, or not at all if nothing is queued. */
  private void reschedulePumpLocked() {
    if (state != State.STARTED) {
      return;
    }
    if (queue.isEmpty()) {
      cancelPumpLocked();
      return;
    }
    long now = nanoClock.getAsLong();
    long at = queue.nextDueTime(now);
    if (!pacer.mayProceed(at)) {
      at = pacer.nextAllowed();
    }
    if (pumpTask != null && pumpAt - at <= 0) {
      return; // already due no later; waking early only costs a reschedule
    }
    cancelPumpLocked();
    long generation = ++pumpGeneration;
    try {
      pumpTask = scheduler.schedule(
          () -> pump(generation), Math.max(0, at - now), TimeUnit.NANOSECONDS);
      pumpAt = at;
    } catch (RejectedExecutionException e) {
      log.warn("op=announce interface={} error=scheduler-rejected cause={}",
          interfaceName, e.toString());
    }
  }

  private void cancelPumpLocked() {
    pumpGeneration++;
    if (pumpTask != null) {
      pumpTask.cancel(false);
      pumpTask = null;
    }
  }
}
