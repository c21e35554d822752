package dev.vipd.daemon;

import dev.vipd.daemon.binding.DelayedUnbinder;
import dev.vipd.daemon.binding.LocalBinding;
import dev.vipd.protocol.AnnounceSettings;
import dev.vipd.protocol.AnnouncementListener;
import dev.vipd.protocol.BatchResult;
import dev.vipd.protocol.ConflictDefence;
import dev.vipd.protocol.ConflictListener;
import dev.vipd.protocol.Speaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The layer-2 side of the daemon: one {@link Speaker} per pool interface, and the local binding
 * that makes the kernel accept VIP traffic.
 *
 * <p>Threading: every change (acquire, release, reopen, open, close) runs on the data plane's own
 * single thread ({@code vipd-dataplane}), in order. Callers only put the VIP in a queue under a
 * small lock that is never held across a syscall or a command and return at once: the cluster
 * thread that delivers ownership events also pushes the answer deadline (lock-free, {@link
 * #answerDeadline}) and must never stall behind a takeover of thousands of VIPs or an {@code ip}
 * process. The thread takes everything queued by then as one batch: releases first (stop
 * announcing, then answering; the binding goes after a grace period, batched, see {@link
 * DelayedUnbinder}, whose timer is this same thread, not the one health checks use), then
 * acquires: one {@code ip -force -batch} for all their bindings, then one {@link
 * Speaker#acquireAll} per interface. A VIP released while its acquire was queued is not acquired;
 * a release waits at most for the batch running when it arrived.
 *
 * <p>Each VIP's bind, group join and filter succeeds or fails on its own. A failed VIP is neither
 * answered nor announced; {@link VipFaults} counts it, logs it once, retries it with backoff and
 * reports it unservable ({@link UnservableVips}) so that another node takes it.
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
  private final ScheduledExecutorService worker;
  private final DelayedUnbinder unbinder;
  private final VipFaults faults;
  private final UnservableVips unservable;
  private final Map<String, Speaker> speakers = new ConcurrentHashMap<>();
  private final VipQueue queue = new VipQueue();
  private ScheduledFuture<?> retryTask; // data plane thread only
  private Set<InetAddress> reported = Set.of(); // data plane thread only
  private volatile AnnounceSettings settings;
  private volatile long answerDeadline = Long.MAX_VALUE;
  private volatile Map<String, Map<InetAddress, List<InetAddress>>> unicastTargets = Map.of();

  DataPlane(AnnounceSettings settings, MeterRegistry registry, Predicate<InetAddress> handingOver,
      AnnouncementListener announced, LocalBinding binding, UnservableVips unservable) {
    this(settings, registry, handingOver, announced, binding, unservable,
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "vipd-dataplane");
          t.setDaemon(true);
          return t;
        }), System::nanoTime, DelayedUnbinder.DEFAULT_GRACE);
  }

  /** With the data plane's thread, its clock and the unbind grace given (tests). */
  DataPlane(AnnounceSettings settings, MeterRegistry registry, Predicate<InetAddress> handingOver,
      AnnouncementListener announced, LocalBinding binding, UnservableVips unservable,
      ScheduledExecutorService worker, LongSupplier nanoClock, Duration grace) {
    this.settings = settings;
    this.registry = registry;
    this.conflicts = new ConflictDefence(System::nanoTime, handingOver, this::defend);
    this.announced = announced;
    this.worker = worker;
    this.unbinder = new DelayedUnbinder(binding, worker, grace);
    this.faults = new VipFaults(registry, nanoClock);
    this.unservable = unservable;
    // One thread: the responder's work per frame is far below a syscall's cost, and a single loop
    // keeps every interface's answers in order. Epoll is required by the raw sockets.
    this.loops = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  }

  /**
   * Opens the sockets of every interface in {@code interfaceNames} not open yet: all of them, or
   * none (those opened by this call are closed again when one fails). Waits for the data plane's
   * thread (reload and start-up only, never the cluster thread).
   *
   * @return the interfaces this call opened
   */
  List<String> openAll(Collection<String> interfaceNames) throws IOException {
    return onWorker(() -> {
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
        closeNow(opened);
        throw e;
      }
      return opened;
    });
  }

  /** Closes the sockets of {@code interfaceNames} (reload: interfaces no pool uses any more). */
  void closeAll(Collection<String> interfaceNames) {
    try {
      onWorker(() -> closeNow(interfaceNames));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Void closeNow(Collection<String> interfaceNames) {
    for (String name : interfaceNames) {
      Speaker s = speakers.remove(name);
      if (s != null) {
        s.close();
        log.info("op=close interface={} msg=\"no pool on this interface any more\"", name);
      }
    }
    return null;
  }

  /** The interfaces whose sockets are open. */
  Set<String> interfaces() {
    return Set.copyOf(speakers.keySet());
  }

  /** Binds {@code vip} locally, then answers and announces it on {@code interfaceName}; at once. */
  @Override
  public void acquire(String interfaceName, InetAddress vip) {
    if (queue.acquire(interfaceName, vip)) {
      execute(this::drain);
    }
  }

  /** Stops answering and announcing {@code vip} soon; its local binding goes after the grace. */
  @Override
  public void release(String interfaceName, InetAddress vip) {
    if (queue.release(interfaceName, vip)) {
      execute(this::drain);
    }
  }

  private void execute(Runnable task) {
    try {
      worker.execute(task);
    } catch (RejectedExecutionException e) {
      // closing: nothing runs any more
    }
  }

  /** Runs on the data plane's thread: one batch of everything queued. */
  private void drain() {
    VipQueue.Batch batch = queue.take();
    releaseNow(batch.release());
    acquireNow(batch.acquire());
    afterBatch(batch.wanted());
  }

  private void releaseNow(Map<InetAddress, String> release) {
    byInterface(release).forEach((name, vips) -> {
      Speaker speaker = speakers.get(name);
      if (speaker != null) {
        speaker.releaseAll(vips).failed().forEach((vip, f) ->
            faults.counted(vip, f.stage().tag(), f.reason()));
      }
    });
    release.keySet().forEach(unbinder::release);
  }

  private void acquireNow(Map<InetAddress, String> acquire) {
    if (acquire.isEmpty()) {
      return;
    }
    Map<InetAddress, String> bindFailed;
    try {
      bindFailed = unbinder.bindAll(acquire.keySet());
    } catch (RuntimeException e) {
      bindFailed = new HashMap<>();
      for (InetAddress vip : acquire.keySet()) {
        bindFailed.put(vip, String.valueOf(e.getMessage()));
      }
    }
    bindFailed.forEach((vip, why) -> faults.failed(vip, "bind", why));
    Map<InetAddress, String> bound = new LinkedHashMap<>(acquire);
    bound.keySet().removeAll(bindFailed.keySet());
    answer(bound);
  }

  /** Answers and announces {@code vips} (already bound), one batch per interface. */
  private void answer(Map<InetAddress, String> vips) {
    byInterface(vips).forEach((name, batch) -> {
      Speaker speaker = speakers.get(name);
      if (speaker == null) {
        batch.forEach(vip -> faults.failed(vip, "interface", "no sockets on " + name));
        batch.forEach(unbinder::release);
        return;
      }
      BatchResult result = speaker.acquireAll(batch);
      result.failed().forEach((vip, f) -> {
        faults.failed(vip, f.stage().tag(), f.reason());
        unbinder.release(vip); // bound but not answered: the binding goes too, after the grace
      });
      result.succeeded().forEach(faults::succeeded);
    });
  }

  /** Schedules the next retry and tells the cluster what this node cannot serve. */
  private void afterBatch(Set<InetAddress> stillWanted) {
    Set<InetAddress> retry = faults.due(stillWanted);
    if (queue.retry(retry)) {
      execute(this::drain);
    }
    if (retryTask != null) {
      retryTask.cancel(false); // one timer: the earliest retry
    }
    long next = faults.nextDueInNanos();
    try {
      retryTask = next < 0 || !retry.isEmpty() ? null
          : worker.schedule(this::drain, Math.max(next, 1), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      retryTask = null; // closing
    }
    Set<InetAddress> now = faults.unservable();
    if (!now.equals(reported)) {
      reported = now;
      try {
        unservable.unservable(now);
      } catch (RuntimeException e) {
        log.warn("op=unservable vips={} msg=\"{}\"", now.size(), e.getMessage());
      }
    }
  }

  private static Map<String, List<InetAddress>> byInterface(Map<InetAddress, String> vips) {
    Map<String, List<InetAddress>> out = new LinkedHashMap<>();
    vips.forEach((vip, name) -> out.computeIfAbsent(name, n -> new ArrayList<>()).add(vip));
    return out;
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
   * New sockets for {@code interfaceName}, which take over the owned VIPs and announce them again
   * (same per-VIP path as a takeover): after the interface was deleted and created again (the old
   * sockets are bound to a dead index), and after its MAC changed (bond failover; sockets read
   * the MAC once, when opened). Returns at once; runs on the data plane's thread.
   */
  void reopen(String interfaceName) {
    execute(() -> reopenNow(interfaceName));
  }

  private void reopenNow(String interfaceName) {
    Speaker old = speakers.remove(interfaceName);
    Map<InetAddress, String> owned = new LinkedHashMap<>();
    if (old != null) {
      old.owned().forEach(vip -> owned.put(vip, interfaceName));
      old.close();
    }
    try {
      speakers.put(interfaceName, newSpeaker(interfaceName));
      answer(owned);
      log.info("op=reopen interface={} vips={}", interfaceName, owned.size());
    } catch (IOException | RuntimeException e) {
      log.error("op=reopen interface={} msg=\"{}\"", interfaceName, e.getMessage());
      owned.keySet().forEach(vip -> faults.failed(vip, "interface", String.valueOf(e.getMessage())));
    }
    afterBatch(queue.wanted());
  }

  /**
   * Asks every thread of the data plane for a heartbeat ({@link Liveness}): each event loop
   * ({@code dataplane-loop-N}, the responder's receive path), the announcers ({@code announcer}:
   * their pump runs on the event loop and takes each announcer's lock, so the beat does too) and
   * the data plane's thread ({@code dataplane-worker}). A thread that is stuck never beats.
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
  void update(AnnounceSettings next) {
    settings = next;
    speakers.values().forEach(s -> s.announcer().update(next));
  }

  /** VIPs answered for now, per interface. */
  Map<String, Set<InetAddress>> owned() {
    Map<String, Set<InetAddress>> out = new LinkedHashMap<>();
    speakers.forEach((name, s) -> out.put(name, Set.copyOf(s.owned())));
    return out;
  }

  /** The VIPs that failed to be served, with stage, reason and retry (for {@code /status}). */
  Map<InetAddress, VipFaults.Fault> faults() {
    return faults.snapshot();
  }

  private Speaker newSpeaker(String interfaceName) throws IOException {
    IoEventLoop loop = (IoEventLoop) loops.next();
    Speaker speaker =
        Speaker.open(loop, interfaceName, settings, registry, conflicts, announced);
    speaker.setAnswerDeadline(answerDeadline);
    speaker.setUnicastTargets(unicastTargets.getOrDefault(interfaceName, Map.of()));
    return speaker;
  }

  /** Work for the data plane's thread that may fail with an {@link IOException}. */
  private interface Work<T> {
    T run() throws IOException;
  }

  /** Runs {@code work} on the data plane's thread and waits for it (never from that thread). */
  private <T> T onWorker(Work<T> work) throws IOException {
    try {
      return worker.submit(work::run).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for the data plane", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    speakers.values().forEach(Speaker::close);
    speakers.clear();
    unbinder.flush();
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
  }
}
