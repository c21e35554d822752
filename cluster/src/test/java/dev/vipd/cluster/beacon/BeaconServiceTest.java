package dev.vipd.cluster.beacon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vipd.cluster.auth.ClusterSecret;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two services on 127.0.0.1 with real sockets and the real clock (except for the pause test). */
class BeaconServiceTest {
  static final ClusterSecret SECRET = ClusterSecret.of(BeaconTest.KEY_A);
  static final FailureDetectionProfile PROFILE = FailureDetectionProfile.DEFAULT;
  static final InetSocketAddress ANY_LOOPBACK =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  final List<BeaconService> services = new ArrayList<>();

  /** Records listener calls as "event name" strings. */
  static class Recorder implements BeaconService.Listener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final List<Long> pauses = new CopyOnWriteArrayList<>();

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

    @Override
    public void paused(long pausedNanos) {
      pauses.add(pausedNanos);
    }

    @Override
    public void leaving(String name) {
      events.add("leaving " + name);
    }
  }

  final Recorder recorderA = new Recorder();
  final Recorder recorderB = new Recorder();
  final SimpleMeterRegistry registryA = new SimpleMeterRegistry();
  final SimpleMeterRegistry registryB = new SimpleMeterRegistry();

  private BeaconService service(String name, long start, Recorder recorder,
      SimpleMeterRegistry registry, LongSupplier clock) throws Exception {
    BeaconService service = new BeaconService(name, start, ANY_LOOPBACK, PROFILE,
        PROFILE.suspicionTimeoutNanos(), SECRET, recorder, registry, clock);
    services.add(service);
    service.start();
    return service;
  }

  @AfterEach
  void closeAll() {
    services.forEach(BeaconService::close);
  }

  private static double received(SimpleMeterRegistry registry) {
    Counter counter = registry.find("vipd.beacons.received").counter();
    return counter == null ? 0 : counter.count();
  }

  private static double rejected(SimpleMeterRegistry registry, BeaconVerdict reason) {
    Counter counter =
        registry.find("vipd.beacons.rejected").tag("reason", reason.tag()).counter();
    return counter == null ? 0 : counter.count();
  }

  /** Starts a and b, peered with each other, and waits until each has heard the other. */
  private BeaconService[] pair() throws Exception {
    BeaconService a = service("a", 1000, recorderA, registryA, System::nanoTime);
    BeaconService b = service("b", 2000, recorderB, registryB, System::nanoTime);
    a.setPeers(Map.of("b", b.localAddress()));
    b.setPeers(Map.of("a", a.localAddress()));
    await().atMost(Duration.ofSeconds(5))
        .until(() -> received(registryA) >= 5 && received(registryB) >= 5);
    return new BeaconService[] {a, b};
  }

  @Test
  void eachSeesTheOtherAlive() throws Exception {
    BeaconService[] ab = pair();

    Thread.sleep(PROFILE.suspicionTimeout().toMillis() * 2);

    assertThat(ab[0].suspects()).isEmpty();
    assertThat(ab[1].suspects()).isEmpty();
    assertThat(recorderA.events).doesNotContain("suspected b", "silent b");
    assertThat(recorderB.events).doesNotContain("suspected a", "silent a");
    assertThat(registryA.get("vipd.peer.suspect").tag("node", "b").gauge().value()).isZero();
    assertThat(registryA.get("vipd.beacons.sent").counter().count()).isGreaterThan(5);
  }

  @Test
  void stoppedPeerIsSuspected() throws Exception {
    BeaconService[] ab = pair();

    ab[1].close();

    await().atMost(Duration.ofSeconds(3)).until(() -> recorderA.events.contains("suspected b"));
    assertThat(ab[0].suspects()).containsExactly("b");
    assertThat(registryA.get("vipd.peer.suspect").tag("node", "b").gauge().value()).isEqualTo(1);
  }

  @Test
  void suspicionClearsWhenBeaconsResumeAndListenersSeeItCleared() throws Exception {
    List<String> suspectsWhenCleared = new CopyOnWriteArrayList<>();
    BeaconService[] holder = new BeaconService[1];
    Recorder reading = new Recorder() {
      @Override
      public void cleared(String name) {
        super.cleared(name);
        suspectsWhenCleared.add(String.valueOf(holder[0].suspects()));
      }
    };
    BeaconService a = service("a", 1000, reading, registryA, System::nanoTime);
    holder[0] = a;
    BeaconService b = service("b", 2000, recorderB, registryB, System::nanoTime);
    a.setPeers(Map.of("b", b.localAddress()));
    b.setPeers(Map.of("a", a.localAddress()));
    await().atMost(Duration.ofSeconds(5)).until(() -> received(registryA) >= 5);

    b.setPeers(Map.of()); // b stops beaconing a (a split, seen from a)
    await().atMost(Duration.ofSeconds(3)).until(() -> reading.events.contains("suspected b"));
    assertThat(a.suspects()).containsExactly("b");
    b.setPeers(Map.of("a", a.localAddress())); // healed

    await().atMost(Duration.ofSeconds(3)).until(() -> reading.events.contains("cleared b"));
    assertThat(suspectsWhenCleared).containsExactly("[]");
    assertThat(a.suspects()).isEmpty();
    Thread.sleep(PROFILE.suspicionTimeout().toMillis() * 2);
    assertThat(a.suspects()).isEmpty();
    assertThat(registryA.get("vipd.peer.suspect").tag("node", "b").gauge().value()).isZero();
  }

  @Test
  void nodesAliveOutsideOneAnothersViewAreStrangers() throws Exception {
    BeaconService a = service("a", 1000, recorderA, registryA, System::nanoTime);
    BeaconService b = service("b", 2000, recorderB, registryB, System::nanoTime);
    // b has dropped a from its view but still beacons a's configured address
    b.setOthers(List.of(a.localAddress()));
    await().atMost(Duration.ofSeconds(3)).until(() -> a.strangers().equals(java.util.Set.of("b")));
    assertThat(b.strangers()).isEmpty(); // a sends b nothing

    // a still lists b as a peer, b does not list a: b's beacons flag a as not its member
    a.setPeers(Map.of("b", b.localAddress()));
    Thread.sleep(PROFILE.interval().toMillis() * 5);
    assertThat(a.strangers()).containsExactly("b");
    assertThat(a.suspects()).isEmpty();

    // merged: both list each other; the flag goes, and with it the stranger
    b.setPeers(Map.of("a", a.localAddress()));
    await().atMost(Duration.ofSeconds(3)).until(() -> a.strangers().isEmpty());
    await().atMost(Duration.ofSeconds(3)).until(() -> b.strangers().isEmpty());

    // a stopped node stops being a stranger after the pause threshold
    a.setPeers(Map.of());
    await().atMost(Duration.ofSeconds(3)).until(() -> a.strangers().contains("b"));
    b.close();
    await().atMost(Duration.ofSeconds(3)).until(() -> a.strangers().isEmpty());
  }

  @Test
  void forgedAndReplayedBeaconsAreRejectedAndCounted() throws Exception {
    BeaconService[] ab = pair();
    ClusterSecret wrong = ClusterSecret.of(BeaconTest.KEY_B);

    try (DatagramChannel attacker = DatagramChannel.open()) {
      InetSocketAddress target = ab[0].localAddress();
      attacker.send(ByteBuffer.wrap(new Beacon("b", 2000, 1L << 40, false).encode(wrong)), target);
      attacker.send(ByteBuffer.wrap(new Beacon("b", 2000, 0, false).encode(SECRET)), target);
      attacker.send(ByteBuffer.wrap(new Beacon("b", 1999, 1L << 40, false).encode(SECRET)),
          target);
      attacker.send(ByteBuffer.wrap(new Beacon("z", 1, 1, false).encode(SECRET)), target);
      attacker.send(ByteBuffer.wrap(new Beacon("a", 1, 1, false).encode(SECRET)), target);
      attacker.send(ByteBuffer.wrap(new byte[] {1, 2, 3}), target);
    }

    await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
      assertThat(rejected(registryA, BeaconVerdict.BAD_MAC)).isEqualTo(1);
      assertThat(rejected(registryA, BeaconVerdict.REPLAYED)).isEqualTo(1);
      assertThat(rejected(registryA, BeaconVerdict.STALE_INCARNATION)).isEqualTo(1);
      assertThat(rejected(registryA, BeaconVerdict.UNKNOWN_PEER)).isEqualTo(1);
      assertThat(rejected(registryA, BeaconVerdict.OWN_NAME)).isEqualTo(1);
      assertThat(rejected(registryA, BeaconVerdict.TRUNCATED)).isEqualTo(1);
    });
  }

  @Test
  void forgedBeaconsDoNotKeepADeadPeerAlive() throws Exception {
    BeaconService[] ab = pair();
    ab[1].close();
    ClusterSecret wrong = ClusterSecret.of(BeaconTest.KEY_B);

    try (DatagramChannel attacker = DatagramChannel.open()) {
      long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
      long seq = 1L << 40;
      while (!recorderA.events.contains("suspected b") && System.nanoTime() < deadline) {
        attacker.send(ByteBuffer.wrap(new Beacon("b", 2000, seq++, false).encode(wrong)),
            ab[0].localAddress());
        Thread.sleep(10);
      }
    }
    assertThat(recorderA.events).contains("suspected b");
    assertThat(rejected(registryA, BeaconVerdict.BAD_MAC)).isPositive();
  }

  @Test
  void leavingIsReportedOnce() throws Exception {
    BeaconService[] ab = pair();

    ab[1].setLeaving(true);

    await().atMost(Duration.ofSeconds(3)).until(() -> recorderA.events.contains("leaving b"));
    Thread.sleep(PROFILE.interval().toMillis() * 5);
    assertThat(recorderA.events.stream().filter("leaving b"::equals)).hasSize(1);
  }

  @Test
  void pauseOfOwnProcessIsReported() throws Exception {
    AtomicLong offset = new AtomicLong();
    BeaconService a = service("a", 1000, recorderA, registryA,
        () -> System.nanoTime() + offset.get());
    await().atMost(Duration.ofSeconds(3)).until(
        () -> registryA.find("vipd.beacons.sent").counter() != null);
    assertThat(recorderA.pauses).isEmpty();

    long pause = Duration.ofSeconds(2).toNanos();
    offset.addAndGet(pause);

    await().atMost(Duration.ofSeconds(3)).until(() -> !recorderA.pauses.isEmpty());
    assertThat(recorderA.pauses.get(0)).isGreaterThanOrEqualTo(pause);
    assertThat(a.suspects()).isEmpty();
  }

  @Test
  void lifecycleIsExplicit() throws Exception {
    BeaconService a = new BeaconService("a", 1, ANY_LOOPBACK, PROFILE,
        PROFILE.suspicionTimeoutNanos(), SECRET, recorderA, registryA, System::nanoTime);
    services.add(a);
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().equals("vipd-beacon"));
    a.start();
    assertThatThrownBy(a::start).hasMessage("beacon service is STARTED (expected: LATENT)");
    a.close();
    a.close();
    assertThatThrownBy(() -> a.setPeers(Map.of("a", ANY_LOOPBACK)))
        .hasMessage("peers contain this node's own name: a");
  }
}
