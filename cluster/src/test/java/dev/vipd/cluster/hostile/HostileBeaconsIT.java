package dev.vipd.cluster.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.cluster.beacon.Beacon;
import dev.vipd.cluster.beacon.BeaconService;
import dev.vipd.cluster.beacon.BeaconVerdict;
import dev.vipd.cluster.beacon.FailureDetectionProfile;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile datagrams at a real beacon service over real UDP (loopback): random bytes, mutations
 * and replays of beacons the peer really sent (captured by a relay on the path), forgeries under a
 * wrong key, oversized and empty datagrams. None of them may raise a suspicion of a live peer or
 * clear the suspicion of a dead one, and every one is counted as rejected (or as a kernel drop).
 */
class HostileBeaconsIT {
  private static final FailureDetectionProfile PROFILE = FailureDetectionProfile.DEFAULT;
  private static final ClusterSecret SECRET = ClusterSecret.of(filled((byte) 0x11));
  private static final ClusterSecret WRONG = ClusterSecret.of(filled((byte) 0x22));
  private static final InetSocketAddress LOOPBACK =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  /** Hostile datagrams per second: far above any real beacon rate (25/s per peer). */
  private static final int FLOOD_RATE = 20_000;

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<byte[]> captured = new CopyOnWriteArrayList<>();
  private final Random random = new Random(20261203L);

  @AfterEach
  void close() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  @Test
  void aFloodOfHostileDatagramsNeitherRaisesSuspicionNorIsAccepted() throws Exception {
    BeaconService[] ab = pairThroughRelay();
    BeaconService a = ab[0];
    double receivedBefore = received();
    long dropsBefore = udpDrops(a.localAddress().getPort());

    long t0 = System.nanoTime();
    int sent = flood(a.localAddress(), 5_000, true);
    long floodMillis = (System.nanoTime() - t0) / 1_000_000;
    Thread.sleep(500); // the last datagrams are drained
    double rejected = rejectedTotal();
    long drops = udpDrops(a.localAddress().getPort()) - dropsBefore;
    double genuine = received() - receivedBefore;
    System.out.printf("hostile beacons: %d sent in %d ms; rejected %.0f, kernel drops %d;"
        + " genuine beacons accepted meanwhile %.0f; by reason %s; events %s%n", sent,
        floodMillis, rejected, drops, genuine, byReason(), events);

    assertThat(events).as("listener events during the flood").isEmpty();
    assertThat(a.suspects()).isEmpty();
    assertThat(a.strangers()).isEmpty();
    assertThat(rejected + drops).as("every hostile datagram rejected or dropped by the kernel")
        .isEqualTo(sent);
    // The peer's beacons kept arriving: about one per 40 ms over the flood.
    assertThat(genuine).isGreaterThan(0.5 * floodMillis / PROFILE.interval().toMillis());
    for (BeaconVerdict v : List.of(BeaconVerdict.BAD_MAC, BeaconVerdict.REPLAYED,
        BeaconVerdict.BAD_MAGIC, BeaconVerdict.TRUNCATED, BeaconVerdict.BAD_LENGTH)) {
      assertThat(rejected(v)).as("rejected as " + v.tag()).isPositive();
    }
  }

  @Test
  void hostileDatagramsDoNotKeepADeadPeerAliveNorClearItsSuspicion() throws Exception {
    BeaconService[] ab = pairThroughRelay();
    BeaconService a = ab[0];
    long t0 = System.nanoTime();
    ab[1].close();
    awaitEvent("suspected b", PROFILE.suspicionTimeout().toMillis() + 2_000);
    long suspectedAfter = (System.nanoTime() - t0) / 1_000_000;
    double receivedBefore = received();

    int sent = flood(a.localAddress(), 3_000, false);
    Thread.sleep(300);
    System.out.printf("dead peer: suspected %d ms after it stopped (timeout %d ms); %d hostile"
        + " datagrams later: events %s, suspects %s, by reason %s%n", suspectedAfter,
        PROFILE.suspicionTimeout().toMillis(), sent, events, a.suspects(), byReason());

    assertThat(suspectedAfter).isLessThan(PROFILE.suspicionTimeout().toMillis() + 1_000);
    assertThat(events).as("no event but the suspicion").containsExactly("suspected b");
    assertThat(a.suspects()).containsExactly("b");
    assertThat(received()).as("no hostile datagram accepted as a beacon")
        .isEqualTo(receivedBefore);
    assertThat(rejected(BeaconVerdict.REPLAYED)).as("replays of b's captured beacons")
        .isPositive();
  }

  /** a and b peered; b's beacons to a pass through a relay that records them. */
  private BeaconService[] pairThroughRelay() throws Exception {
    BeaconService.Listener recorder = new BeaconService.Listener() {
      @Override
      public void suspected(String name) {
        events.add("suspected " + name);
      }

      @Override
      public void cleared(String name) {
        events.add("cleared " + name);
      }

      @Override
      public void silent(String name) {
        events.add("silent " + name);
      }
    };
    BeaconService a = start("a", 1000, recorder, registry);
    BeaconService b = start("b", 2000, new BeaconService.Listener() {
      @Override
      public void suspected(String name) {}

      @Override
      public void cleared(String name) {}

      @Override
      public void silent(String name) {}
    }, new SimpleMeterRegistry());
    DatagramChannel relay = DatagramChannel.open().bind(LOOPBACK);
    closeables.add(relay);
    Thread forward = new Thread(() -> relay(relay, a.localAddress()), "beacon-relay");
    forward.setDaemon(true);
    forward.start();
    a.setPeers(Map.of("b", b.localAddress()));
    b.setPeers(Map.of("a", (InetSocketAddress) relay.getLocalAddress()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while ((received() < 20 || captured.size() < 20) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(captured).as("beacons captured on the path").hasSizeGreaterThanOrEqualTo(20);
    assertThat(events).isEmpty();
    return new BeaconService[] {a, b};
  }

  private BeaconService start(String name, long startTime, BeaconService.Listener listener,
      SimpleMeterRegistry meters) throws IOException {
    BeaconService s = new BeaconService(name, startTime, LOOPBACK, PROFILE,
        PROFILE.suspicionTimeoutNanos(), SECRET, listener, meters, System::nanoTime);
    closeables.add(s);
    s.start();
    return s;
  }

  private void relay(DatagramChannel relay, InetSocketAddress to) {
    ByteBuffer buf = ByteBuffer.allocate(2048);
    try {
      while (relay.isOpen()) {
        buf.clear();
        relay.receive(buf);
        buf.flip();
        byte[] datagram = Arrays.copyOf(buf.array(), buf.limit());
        captured.add(datagram);
        relay.send(ByteBuffer.wrap(datagram), to);
      }
    } catch (IOException e) {
      // closed at the end of the test
    }
  }

  /**
   * Sends hostile datagrams to {@code target} for {@code millis} at {@link #FLOOD_RATE}; returns
   * how many. {@code withNewIncarnation}: also wrong-key beacons claiming b restarted.
   */
  private int flood(InetSocketAddress target, long millis, boolean withNewIncarnation)
      throws Exception {
    int sent = 0;
    try (DatagramChannel attacker = DatagramChannel.open()) {
      long start = System.nanoTime();
      long end = start + TimeUnit.MILLISECONDS.toNanos(millis);
      long seq = 1L << 40;
      while (System.nanoTime() < end) {
        byte[] datagram = hostile(seq++, withNewIncarnation);
        attacker.send(ByteBuffer.wrap(datagram), target);
        sent++;
        long due = start + sent * (1_000_000_000L / FLOOD_RATE);
        long ahead = due - System.nanoTime();
        if (ahead > 1_000_000) {
          Thread.sleep(ahead / 1_000_000);
        }
      }
    }
    return sent;
  }

  private byte[] hostile(long seq, boolean withNewIncarnation) {
    byte[] real = captured.get(random.nextInt(captured.size()));
    switch (random.nextInt(8)) {
      case 0: { // random bytes, any length up to a little over a beacon
        byte[] b = new byte[random.nextInt(Beacon.MAX_BYTES + 20)];
        random.nextBytes(b);
        return b;
      }
      case 1: // a real beacon, replayed as it was
        return real.clone();
      case 2: { // a real beacon with 1-3 bytes changed
        byte[] b = real.clone();
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
          b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
        }
        return b;
      }
      case 3: // a real beacon cut short
        return Arrays.copyOf(real, random.nextInt(real.length));
      case 4: { // a real beacon with bytes appended
        byte[] b = Arrays.copyOf(real, real.length + 1 + random.nextInt(64));
        return b;
      }
      case 5: // b with a far higher sequence number, under the wrong key
        return new Beacon("b", 2000, seq, false).encode(WRONG);
      case 6: // b "restarted", or leaving, under the wrong key
        return new Beacon("b", withNewIncarnation ? 3000 : 2000, seq, random.nextBoolean())
            .encode(WRONG);
      default: // oversized: a full jumbo frame's worth, or an empty datagram
        return random.nextBoolean() ? new byte[8000] : new byte[0];
    }
  }

  private void awaitEvent(String event, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (!events.contains(event) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(events).contains(event);
  }

  private double received() {
    Counter c = registry.find("vipd.beacons.received").counter();
    return c == null ? 0 : c.count();
  }

  private double rejected(BeaconVerdict v) {
    Counter c = registry.find("vipd.beacons.rejected").tag("reason", v.tag()).counter();
    return c == null ? 0 : c.count();
  }

  private double rejectedTotal() {
    return registry.find("vipd.beacons.rejected").counters().stream()
        .mapToDouble(Counter::count).sum();
  }

  private String byReason() {
    StringBuilder s = new StringBuilder();
    for (BeaconVerdict v : BeaconVerdict.values()) {
      if (v != BeaconVerdict.ACCEPTED && rejected(v) > 0) {
        s.append(v.tag()).append('=').append((long) rejected(v)).append(' ');
      }
    }
    return s.toString().strip();
  }

  /** The kernel's drop count of the UDP socket on {@code port} ({@code /proc/net/udp}). */
  private static long udpDrops(int port) throws IOException {
    String hexPort = String.format(":%04X", port);
    for (String file : List.of("/proc/net/udp", "/proc/net/udp6")) {
      Path p = Path.of(file);
      if (!Files.exists(p)) {
        continue;
      }
      for (String line : Files.readAllLines(p)) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 12 && f[1].endsWith(hexPort)) {
          return Long.parseLong(f[f.length - 1]);
        }
      }
    }
    return 0;
  }

  private static byte[] filled(byte value) {
    byte[] key = new byte[32];
    Arrays.fill(key, value);
    return key;
  }
}
