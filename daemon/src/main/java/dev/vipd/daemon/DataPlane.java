package dev.vipd.daemon;

import dev.vipd.daemon.binding.DelayedUnbinder;
import dev.vipd.protocol.AnnounceSettings;
import dev.vipd.protocol.AnnouncementListener;
import dev.vipd.protocol.ConflictDefence;
import dev.vipd.protocol.ConflictListener;
import dev.vipd.protocol.Speaker;
import dev.vipd.protocol.wire.InetAddresses;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The layer-2 side of the daemon: one {@link Speaker} per pool interface, and the local binding
 * that makes the kernel accept VIP traffic.
 *
 * <p>Acquire binds the VIP locally before the speaker answers and announces it, so traffic that
 * follows the first announcement is accepted. Binding runs a command (a few milliseconds), so it
 * happens on the data plane's own thread, in order, and never on the caller's: the cluster thread
 * that delivers ownership events also pushes the answer deadline and must not stall behind a
 * takeover of hundreds of VIPs. Release is immediate on the caller's thread (stop answering and
 * announcing: no command involved) and removes the binding only after a grace period ({@link
 * DelayedUnbinder}) so packets already on their way still land. A release that overtakes a queued
 * acquire of the same VIP wins: the acquire finds the VIP no longer wanted and does not answer.
 * Thread-safe: ownership events arrive from the cluster's threads, link events from the link
 * watcher's.
 *
 * <p>Another MAC claiming an owned VIP is judged by protocol's {@link ConflictDefence} (RFC 5227
 * defence at most once per 10 s); the daemon only tells it whether a hand-over is in progress.
 */
final class DataPlane implements VipSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DataPlane.class);

  private final MultiThreadIoEventLoopGroup loops;
  private final MeterRegistry registry;
  private final ConflictListener conflicts;
  private final AnnouncementListener announced;
  private final DelayedUnbinder unbinder;
  private final Map<String, Speaker> speakers = new ConcurrentHashMap<>();
  /** VIPs whose latest event is an acquire; guarded by this. */
  private final Set<InetAddress> wanted = new HashSet<>();
  /** Acquisitions waiting for the data plane's thread, in order; guarded by this. */
  private final Map<InetAddress, String> queued = new LinkedHashMap<>();
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vipd-dataplane");
        t.setDaemon(true);
        return t;
      });
  private volatile AnnounceSettings settings;
  private volatile long answerDeadline = Long.MAX_VALUE;
  private volatile Map<String, Map<InetAddress, List<InetAddress>>> unicastTargets = Map.of();

  DataPlane(
      AnnounceSettings settings,
      MeterRegistry registry,
      Predicate<InetAddress> handingOver,
      AnnouncementListener announced,
      DelayedUnbinder unbinder) {
    this.settings = settings;
    this.registry = registry;
    this.conflicts = new ConflictDefence(System::nanoTime, handingOver, this::defend);
    this.announced = announced;
    this.unbinder = unbinder;
    // One thread: the responder's work per frame is far below a syscall's cost, and a single loop
    // keeps every interface's answers in order. Epoll is required by the raw sockets.
    this.loops = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  }

  /**
   * Opens the sockets of every interface in {@code interfaceNames} not open yet: all of them, or
   * none (those opened by this call are closed again when one fails).
   *
   * @return the interfaces this call opened
   */
  synchronized List<String> openAll(Collection<String> interfaceNames) throws IOException {
    List<String> opened = new ArrayList<>();
    try {
      for (String name : interfaceNames) {
        if (!speakers.containsKey(name)) {
          speakers.put(name, newSpeaker(name));
          opened.add(name);
          log.info("op=open interface={} msg=\"answering ARP and NDP\"", name);
        }
      }
    } catch (IOException | RuntimeException e) {
      closeAll(opened);
      throw e;
    }
    return opened;
  }

  /** Closes the sockets of {@code interfaceNames} (reload: interfaces no pool uses any more). */
  synchronized void closeAll(Collection<String> interfaceNames) {
    for (String name : interfaceNames) {
      Speaker s = speakers.remove(name);
      if (s != null) {
        s.close();
        log.info("op=close interface={} msg=\"no pool on this interface any more\"", name);
      }
    }
  }

  /** The interfaces whose sockets are open. */
  Set<String> interfaces() {
    return Set.copyOf(speakers.keySet());
  }

  /**
   * Binds {@code vip} locally, then answers and announces it on {@code interfaceName}; returns at
   * once. The data plane's thread takes every acquisition queued by then in one batch: one {@code
   * ip -batch} for all their routes (a takeover of a hundred VIPs binds in tens of milliseconds,
   * not one process per VIP), then each is answered and announced.
   */
  @Override
  public void acquire(String interfaceName, InetAddress vip) {
    boolean schedule;
    synchronized (this) {
      wanted.add(vip);
      schedule = queued.isEmpty();
      queued.put(vip, interfaceName);
    }
    if (schedule) {
      worker.execute(this::bindAndAnswerQueued);
    }
  }

  private void bindAndAnswerQueued() {
    Map<InetAddress, String> batch;
    synchronized (this) {
      batch = new LinkedHashMap<>(queued);
      queued.clear();
      batch.keySet().retainAll(wanted); // released meanwhile
    }
    if (batch.isEmpty()) {
      return;
    }
    try {
      unbinder.bindAll(batch.keySet());
    } catch (RuntimeException e) {
      // Answering without a local binding still moves clients here; say so loudly.
      log.error("op=bind vips={} msg=\"{}\"", batch.size(), e.getMessage());
    }
    synchronized (this) {
      batch.forEach((vip, interfaceName) -> {
        Speaker speaker = speakers.get(interfaceName);
        if (speaker == null) {
          log.error("op=acquire vip={} interface={} msg=\"no sockets for this interface\"",
              InetAddresses.format(vip), interfaceName);
        } else if (wanted.contains(vip)) {
          speaker.acquire(vip);
        }
      });
    }
  }

  /** Stops answering and announcing {@code vip} now; its local binding goes after the grace. */
  @Override
  public void release(String interfaceName, InetAddress vip) {
    synchronized (this) {
      wanted.remove(vip);
      Speaker speaker = speakers.get(interfaceName);
      if (speaker != null) {
        speaker.release(vip);
      }
    }
    unbinder.release(vip);
  }

  /** Announces an owned {@code vip} again (a conflict being defended); never blocks. */
  private void defend(InetAddress vip) {
    for (Speaker speaker : speakers.values()) {
      if (speaker.owned().contains(vip)) {
        speaker.announcer().announce(vip);
      }
    }
  }

  /** Answers only until this monotonic deadline (see {@code Responder#setAnswerDeadline}). */
  @Override
  public void answerDeadline(long deadlineNanos) {
    answerDeadline = deadlineNanos;
    for (Speaker s : speakers.values()) {
      s.setAnswerDeadline(deadlineNanos);
    }
  }

  /**
   * New sockets for {@code interfaceName}, which take over the owned VIPs and announce them again:
   * after the interface was deleted and created again (the old sockets are bound to a dead
   * index), and after its MAC changed (bond failover; sockets read the MAC once, when opened).
   */
  synchronized void reopen(String interfaceName) {
    Speaker old = speakers.remove(interfaceName);
    Set<InetAddress> owned = old == null ? Set.of() : new HashSet<>(old.owned());
    if (old != null) {
      old.close();
    }
    try {
      Speaker fresh = newSpeaker(interfaceName);
      speakers.put(interfaceName, fresh);
      owned.forEach(fresh::acquire);
      log.info("op=reopen interface={} vips={}", interfaceName, owned.size());
    } catch (IOException | RuntimeException e) {
      log.error("op=reopen interface={} msg=\"{}\"", interfaceName, e.getMessage());
    }
  }

  /**
   * Asks every thread of the data plane for a heartbeat ({@link Liveness}): each event loop
   * ({@code dataplane-loop-N}, the responder's receive path), the announcers ({@code announcer}:
   * their pump runs on the event loop and takes each announcer's lock, so the beat does too) and
   * the binding worker ({@code dataplane-worker}). A thread that is stuck never runs its beat.
   */
  void requestBeats(Function<String, Runnable> hearts) {
    try {
      int i = 0;
      for (EventExecutor loop : loops) {
        loop.execute(hearts.apply("dataplane-loop-" + i++));
      }
      Runnable announcer = hearts.apply("announcer");
      loops.next().execute(() -> {
        speakers.values().forEach(s -> s.announcer().announced());
        announcer.run();
      });
      worker.execute(hearts.apply("dataplane-worker"));
    } catch (RejectedExecutionException e) {
      // closing: no beats, and nobody asks any more
    }
  }

  /**
   * The unicast targets ({@code announce.unicast-targets}) of every VIP, per interface: set at
   * start and on every reload; sockets opened later get them too.
   */
  synchronized void unicastTargets(Map<String, Map<InetAddress, List<InetAddress>>> byInterface) {
    unicastTargets = Map.copyOf(byInterface);
    speakers.forEach((name, s) -> s.setUnicastTargets(byInterface.getOrDefault(name, Map.of())));
  }

  /** New announcement settings for every interface (config reload). */
  synchronized void update(AnnounceSettings next) {
    settings = next;
    speakers.values().forEach(s -> s.announcer().update(next));
  }

  /** VIPs answered for now, per interface. */
  synchronized Map<String, Set<InetAddress>> owned() {
    Map<String, Set<InetAddress>> out = new LinkedHashMap<>();
    speakers.forEach((name, s) -> out.put(name, Set.copyOf(s.owned())));
    return out;
  }

  private Speaker newSpeaker(String interfaceName) throws IOException {
    IoEventLoop loop = (IoEventLoop) loops.next();
    Speaker speaker =
        Speaker.open(loop, interfaceName, settings, registry, conflicts, announced);
    speaker.setAnswerDeadline(answerDeadline);
    speaker.setUnicastTargets(unicastTargets.getOrDefault(interfaceName, Map.of()));
    return speaker;
  }

  @Override
  public void close() {
    worker.shutdownNow();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      closeSpeakers();
    }
  }

  private void closeSpeakers() {
    speakers.values().forEach(Speaker::close);
    speakers.clear();
    unbinder.flush();
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
