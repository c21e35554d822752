package dev.vipd.cluster.beacon;

import dev.vipd.cluster.auth.ClusterSecret;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a signed {@link Beacon} to every peer each interval over UDP, receives and verifies the
 * peers' beacons, and feeds a {@link FailureDetector}; also watches its own scheduling so that a
 * paused process (GC, SIGSTOP, VM freeze) learns of it at once.
 *
 * <p>One daemon thread ({@code vipd-beacon}) owns the non-blocking channel, the detector and all
 * per-peer state; it waits in a {@link Selector} until a datagram arrives or the next tick is
 * due, so arrival times are taken the moment a beacon is read. Each wake-up: (1) checks the
 * monotonic time since the previous wake-up and reports {@link Listener#paused} if it exceeds
 * the pause threshold; (2) drains the socket; (3) when a tick is due, sends a beacon to every
 * peer and evaluates the detector. Draining before evaluating keeps a pause of our own from
 * turning into suspicion of peers whose beacons sat in the socket buffer.
 *
 * <p><b>Strangers.</b> Besides its peers, the service beacons every address set with {@link
 * #setOthers} that no peer has (the configured members missing from the view), flagged {@link
 * Beacon#notMember}. A verified, fresh beacon from a node that is not a peer here, or that
 * flags us as not its member, makes that node a <em>stranger</em> for one pause threshold:
 * alive, but not in one cluster with us ({@link #strangers}). A node that woke from a pause
 * uses this to stay silent until it has merged back.
 *
 * <p>Listener methods run on the beacon thread and must return quickly. Lifecycle: {@code
 * LATENT -> STARTED -> CLOSED}; nothing runs before {@link #start()}.
 *
 * <p>Known limits: the source address of a beacon is not checked against the peer's configured
 * address (NAT, multi-homed hosts); the MAC and the per-incarnation sequence number carry the
 * trust. A peer whose wall clock stepped back across a restart has a smaller start time and is
 * rejected as {@code stale-incarnation} until {@link #setPeers} forgets and re-adds it (the
 * wiring does that when Hazelcast reports the member leaving and rejoining).
 */
public final class BeaconService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BeaconService.class);

  /** Upper bound of datagrams read per wake-up, so a flood cannot starve the tick. */
  private static final int MAX_DRAIN = 1024;

  /** Receives suspicion changes and pauses; see {@link FailureDetector.Listener}. */
  public interface Listener extends FailureDetector.Listener {
    /** This process was not scheduled for {@code pausedNanos}: go silent until reconfirmed. */
    default void paused(long pausedNanos) {}

    /** {@code name} announced it is leaving (first beacon with the flag per incarnation). */
    default void leaving(String name) {}
  }

  private enum State { LATENT, STARTED, CLOSED }

  private final String nodeName;
  private final long startTimeMillis;
  private final InetSocketAddress bindAddress;
  private final long pauseThresholdNanos;
  private final ClusterSecret secret;
  private final Listener listener;
  private final LongSupplier nanoClock;
  private final FailureDetector detector;
  private final MeterRegistry registry;
  private final Map<BeaconVerdict, Counter> verdicts = new EnumMap<>(BeaconVerdict.class);

  private final AtomicReference<Map<String, InetSocketAddress>> pendingPeers =
      new AtomicReference<>();
  private volatile List<InetSocketAddress> others = List.of();
  private final Strangers strangerLog;
  private volatile Set<String> strangers = Set.of();
  private Map<String, InetSocketAddress> peers = Map.of();
  private final Map<String, long[]> incarnations = new HashMap<>();
  private final Map<String, Long> leavingReported = new HashMap<>();

  private volatile State state = State.LATENT;
  private volatile boolean leaving;
  private volatile Set<String> suspects = Set.of();
  private volatile BeaconChannel channel;
  private Thread thread;
  private long sequence;

  /**
   * @param nodeName this node's name, sent in every beacon
   * @param startTimeMillis this incarnation's start time (the one in the node identity)
   * @param bindAddress where to receive beacons; port 0 picks a free port
   * @param profile beacon interval and suspicion rules
   * @param pauseThresholdNanos a gap between two wake-ups longer than this is a pause; use the
   *     suspicion timeout: a longer pause means peers may already have suspected this node
   * @param nanoClock monotonic time, {@code System::nanoTime} in production
   */
  public BeaconService(
      String nodeName,
      long startTimeMillis,
      InetSocketAddress bindAddress,
      FailureDetectionProfile profile,
      long pauseThresholdNanos,
      ClusterSecret secret,
      Listener listener,
      MeterRegistry registry,
      LongSupplier nanoClock) {
    // Validates name and start time the same way the codec will.
    new Beacon(nodeName, startTimeMillis, 0, false);
    this.nodeName = nodeName;
    this.startTimeMillis = startTimeMillis;
    this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
    if (pauseThresholdNanos < profile.intervalNanos()) {
      throw new IllegalArgumentException(
          "invalid pause threshold: " + pauseThresholdNanos + "ns (expected: >= interval "
              + profile.intervalNanos() + "ns)");
    }
    this.pauseThresholdNanos = pauseThresholdNanos;
    this.strangerLog = new Strangers(pauseThresholdNanos);
    this.secret = Objects.requireNonNull(secret, "secret");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.detector = new FailureDetector(profile, registry, new SafeListener());
  }

  /** Opens the socket and starts the beacon thread. */
  public synchronized void start() throws IOException {
    if (state != State.LATENT) {
      throw new IllegalStateException("beacon service is " + state + " (expected: LATENT)");
    }
    channel = BeaconChannel.open(bindAddress, registry);
    thread = new Thread(this::run, "vipd-beacon");
    thread.setDaemon(true);
    state = State.STARTED;
    thread.start();
    log.info("op=beacon-start node={} bind={} interval={}ms timeout={}ms", nodeName,
        localAddress(), detector.profile().interval().toMillis(),
        detector.profile().suspicionTimeout().toMillis());
  }

  /** The bound address (with the chosen port when bound to port 0). */
  public synchronized InetSocketAddress localAddress() {
    if (channel == null || !channel.isOpen()) {
      throw new IllegalStateException("beacon service is " + state + ": no local address");
    }
    try {
      return channel.localAddress();
    } catch (IOException e) {
      throw new IllegalStateException("beacon service is " + state + ": no local address", e);
    }
  }

  /**
   * Sets the peers (node name to beacon address), normally the verified Hazelcast members minus
   * this node. Takes effect on the beacon thread's next wake-up. Thread-safe.
   */
  public void setPeers(Map<String, InetSocketAddress> newPeers) {
    Map<String, InetSocketAddress> copy = Map.copyOf(newPeers);
    if (copy.containsKey(nodeName)) {
      throw new IllegalArgumentException("peers contain this node's own name: " + nodeName);
    }
    pendingPeers.set(copy);
    BeaconChannel ch = channel;
    if (ch != null) {
      ch.wakeup();
    }
  }

  /**
   * Sets the addresses to beacon besides the peers, flagged as not members: normally the
   * configured cluster hosts at the beacon port. Addresses of current peers are skipped.
   * Thread-safe.
   */
  public void setOthers(Collection<InetSocketAddress> addresses) {
    others = List.copyOf(addresses);
  }

  /**
   * The nodes heard from within the pause threshold that are not peers here or that flagged
   * this node as not their member: alive, but not in one cluster with this node. Updated every
   * tick. Thread-safe.
   */
  public Set<String> strangers() {
    return strangers;
  }

  /** Marks this node's beacons as leaving (graceful hand-over). Thread-safe. */
  public void setLeaving(boolean leaving) {
    this.leaving = leaving;
  }

  /**
   * The currently suspected peers: updated before every {@code suspected} and {@code cleared}
   * call and when the peers change (a peer dropped and re-added starts unsuspected). Thread-safe.
   */
  public Set<String> suspects() {
    return suspects;
  }

  private void run() {
    ByteBuffer buffer = ByteBuffer.allocate(Beacon.MAX_BYTES + 1);
    long interval = detector.profile().intervalNanos();
    long lastWake = nanoClock.getAsLong();
    long nextTick = lastWake;
    while (state == State.STARTED) {
      try {
        channel.await(nextTick - nanoClock.getAsLong());
        long now = nanoClock.getAsLong();
        long gap = now - lastWake;
        if (gap > pauseThresholdNanos) {
          log.warn("op=pause node={} paused_ms={}", nodeName, gap / 1_000_000);
          safely(() -> listener.paused(gap));
        }
        lastWake = now;
        applyPendingPeers(now);
        drain(buffer);
        now = nanoClock.getAsLong();
        if (now - nextTick >= 0) {
          tick(now);
          nextTick += interval;
          if (now - nextTick >= 0) {
            nextTick = now + interval; // fell behind (pause): do not burst to catch up
          }
        }
      } catch (IOException | RuntimeException e) {
        if (state == State.STARTED) {
          log.warn("op=beacon-loop node={} error={}", nodeName, e.toString());
        }
      }
    }
  }

  private void applyPendingPeers(long now) {
    Map<String, InetSocketAddress> update = pendingPeers.getAndSet(null);
    if (update != null) {
      peers = update;
      incarnations.keySet().retainAll(update.keySet());
      leavingReported.keySet().retainAll(update.keySet());
      detector.setPeers(update.keySet(), now);
      suspects = detector.suspects(); // a removed peer is no suspect any more
    }
  }

  private void drain(ByteBuffer buffer) throws IOException {
    for (int i = 0; i < MAX_DRAIN; i++) {
      SocketAddress from = channel.receive(buffer);
      if (from == null) {
        return;
      }
      long now = nanoClock.getAsLong();
      BeaconVerdict verdict = handle(buffer.array(), buffer.position(), now);
      count(verdict);
      if (verdict != BeaconVerdict.ACCEPTED && log.isDebugEnabled()) {
        log.debug("op=beacon-drop from={} reason={}", from, verdict.tag());
      }
    }
  }

  /** One datagram in, one verdict out. */
  private BeaconVerdict handle(byte[] data, int length, long now) {
    Beacon.DecodeResult result = Beacon.decode(data, 0, length, secret);
    if (result instanceof Beacon.Rejected rejected) {
      return rejected.reason();
    }
    Beacon beacon = ((Beacon.Decoded) result).beacon();
    if (beacon.name().equals(nodeName)) {
      return BeaconVerdict.OWN_NAME;
    }
    if (!peers.containsKey(beacon.name())) {
      strangerLog.note(beacon, now);
      return BeaconVerdict.UNKNOWN_PEER;
    }
    long[] last = incarnations.get(beacon.name());
    if (last != null) {
      if (beacon.startTimeMillis() < last[0]) {
        return BeaconVerdict.STALE_INCARNATION;
      }
      if (beacon.startTimeMillis() == last[0] && beacon.sequence() <= last[1]) {
        return BeaconVerdict.REPLAYED;
      }
    }
    incarnations.put(beacon.name(), new long[] {beacon.startTimeMillis(), beacon.sequence()});
    detector.onBeacon(beacon.name(), now);
    if (beacon.notMember()) {
      strangerLog.note(beacon, now); // alive, but we are not in its view
    }
    if (beacon.leaving()) {
      Long reported = leavingReported.put(beacon.name(), beacon.startTimeMillis());
      if (reported == null || reported != beacon.startTimeMillis()) {
        safely(() -> listener.leaving(beacon.name()));
      }
    }
    return BeaconVerdict.ACCEPTED;
  }

  private void tick(long now) {
    long seq = sequence++;
    byte[] datagram = new Beacon(nodeName, startTimeMillis, seq, leaving).encode(secret);
    for (Map.Entry<String, InetSocketAddress> peer : peers.entrySet()) {
      channel.send(peer.getKey(), peer.getValue(), datagram);
    }
    List<InetSocketAddress> extra = others;
    if (!extra.isEmpty()) {
      byte[] stranger = new Beacon(nodeName, startTimeMillis, seq, leaving, true).encode(secret);
      Set<InetSocketAddress> covered = Set.copyOf(peers.values());
      for (InetSocketAddress address : extra) {
        if (!covered.contains(address)) {
          channel.send("-", address, stranger);
        }
      }
    }
    suspects = detector.evaluate(now);
    strangers = strangerLog.current(now, peers.keySet(), incarnations);
  }

  private void count(BeaconVerdict verdict) {
    verdicts.computeIfAbsent(verdict, v -> v == BeaconVerdict.ACCEPTED
        ? Counter.builder("vipd.beacons.received").register(registry)
        : Counter.builder("vipd.beacons.rejected").tag("reason", v.tag())
            .register(registry))
        .increment();
  }

  private static void safely(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      log.warn("op=beacon-listener error={}", e.toString(), e);
    }
  }

  /** Stops the thread (waiting up to 2 s) and closes the socket. Idempotent. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      if (state == State.CLOSED) {
        return;
      }
      boolean wasStarted = state == State.STARTED;
      state = State.CLOSED;
      if (!wasStarted) {
        return;
      }
      t = thread;
    }
    channel.wakeup();
    try {
      t.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      channel.close();
    } catch (IOException e) {
      log.warn("op=beacon-close node={} error={}", nodeName, e.toString());
    }
  }

  /**
   * Publishes the detector's suspects before the listener hears of a change (a listener that
   * reads {@link #suspects()} in {@code cleared} must not see the peer still suspected), and
   * guards the beacon thread against a throwing listener.
   */
  private final class SafeListener implements FailureDetector.Listener {
    @Override
    public void suspected(String name) {
      log.warn("op=peer-suspected node={}", name);
      suspects = detector.suspects();
      safely(() -> listener.suspected(name));
    }

    @Override
    public void cleared(String name) {
      log.info("op=peer-cleared node={}", name);
      suspects = detector.suspects();
      safely(() -> listener.cleared(name));
    }

    @Override
    public void silent(String name) {
      log.warn("op=peer-silent node={} hint=\"no valid beacon yet: blocked UDP port or wrong key?\"",
          name);
      safely(() -> listener.silent(name));
    }
  }
}
