package dev.vipd.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.protocol.BatchResult.Stage;
import dev.vipd.protocol.spi.FrameDrops;
import dev.vipd.protocol.spi.GroupMembership;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link Speaker}'s batches over in-memory sockets, groups and a virtual-time scheduler. */
class SpeakerBatchTest {
  private static final long MAC = 0x02_00_00_00_00_01L;
  private static final AnnounceSettings SETTINGS =
      new AnnounceSettings(1, Duration.ofMillis(500), Duration.ofSeconds(30), 100_000);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AnnounceTestScheduler scheduler = new AnnounceTestScheduler();
  private final FakeL2Socket arp = new FakeL2Socket(MAC);
  private final FakeL2Socket ndp = new FakeL2Socket(MAC);
  private final FakeGroups groups = new FakeGroups();
  private final List<InetAddress> announced = new ArrayList<>();
  private final Responder responder = new Responder("fake0", registry,
      new FrameDrops(registry, "fake0"), scheduler::nanoTime, ConflictListener.IGNORE);
  private final Speaker speaker = new Speaker("fake0", responder, arp, ndp, groups,
      (sink, owned, gate) -> new Announcer("fake0", vip -> {
        announced.add(vip);
        return sink.send(vip);
      }, SETTINGS, scheduler, scheduler::nanoTime, owned, gate, AnnouncementListener.NONE,
          registry));

  @AfterEach
  void close() {
    speaker.close();
  }

  @Test
  void aTakeoverOf1000Ipv4And300Ipv6CostsOneFilterPerFamilyAndIsolatesTheFailedVip() {
    speaker.start();
    List<InetAddress> vips = new ArrayList<>(addresses4(1000));
    vips.addAll(addresses6(300));
    InetAddress refused = vips.get(1100);
    groups.refuse.add(refused);

    BatchResult result = speaker.acquireAll(vips);

    assertThat(result.failed()).containsOnlyKeys(refused);
    assertThat(result.failed().get(refused).stage()).isEqualTo(Stage.JOIN);
    assertThat(result.failed().get(refused).reason()).contains("No buffer space");
    assertThat(result.succeeded()).hasSize(1299).doesNotContain(refused);
    assertThat(speaker.owned()).hasSize(1299).doesNotContain(refused);
    assertThat(arp.filterCalls).isEqualTo(1);
    assertThat(ndp.filterCalls).isEqualTo(1);
    scheduler.advance(Duration.ofMillis(100));
    assertThat(announced).hasSize(1299).doesNotContain(refused);
    assertThat(announced.subList(0, 3)).containsExactlyElementsOf(vips.subList(0, 3));

    // The daemon retries the failed one alone once the kernel has room.
    groups.refuse.clear();
    assertThat(speaker.acquire(refused).allSucceeded()).isTrue();
    assertThat(speaker.owned()).contains(refused);
  }

  @Test
  void aFilterTheKernelRefusesFallsBackToASmallerOne() {
    ndp.maxInstructions = 100; // a kernel with a tiny optmem_max
    BatchResult result = speaker.acquireAll(addresses6(3000));
    assertThat(result.allSucceeded()).isTrue();
    assertThat(ndp.filter.length()).isLessThanOrEqualTo(100);
    assertThat(ndp.filterCalls).as("tried the larger ones first").isGreaterThan(1);
  }

  @Test
  void whenNoFilterFitsThatFamilyFailsAloneAndLeavesItsGroups() {
    ndp.maxInstructions = 0;
    List<InetAddress> vips = new ArrayList<>(addresses4(10));
    vips.addAll(addresses6(5));
    BatchResult result = speaker.acquireAll(vips);
    assertThat(result.failed()).hasSize(5)
        .allSatisfy((vip, failure) -> {
          assertThat(vip).isInstanceOf(Inet6Address.class);
          assertThat(failure.stage()).isEqualTo(Stage.FILTER);
          assertThat(failure.reason()).contains("Cannot allocate memory");
        });
    assertThat(speaker.owned()).containsExactlyElementsOf(vips.subList(0, 10));
    assertThat(groups.joined).isEmpty();
  }

  @Test
  void releaseAllCostsOneFilterPerFamilyAndLeavesEveryGroup() {
    List<InetAddress> vips = new ArrayList<>(addresses4(500));
    vips.addAll(addresses6(500));
    speaker.acquireAll(vips);
    int arpBefore = arp.filterCalls;
    int ndpBefore = ndp.filterCalls;

    BatchResult result = speaker.releaseAll(vips.subList(250, 1000));

    assertThat(result.allSucceeded()).isTrue();
    assertThat(speaker.owned()).containsExactlyElementsOf(vips.subList(0, 250));
    assertThat(arp.filterCalls - arpBefore).isEqualTo(1);
    assertThat(ndp.filterCalls - ndpBefore).isEqualTo(1);
    assertThat(groups.joined).isEmpty();
    assertThat(speaker.announcer().announced()).containsExactlyInAnyOrderElementsOf(
        vips.subList(0, 250));
  }

  @Test
  void aClosedSpeakerFailsEveryVipOfTheBatch() {
    speaker.close();
    BatchResult result = speaker.acquireAll(addresses4(3));
    assertThat(result.succeeded()).isEmpty();
    assertThat(result.failed().values()).extracting(BatchResult.Failure::stage)
        .containsOnly(Stage.CLOSED);
  }

  @Test
  void aDeadlinePushNeverWaitsForABatchInProgress() throws Exception {
    CountDownLatch inJoin = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    groups.onJoin = () -> {
      inJoin.countDown();
      await(release);
    };
    CompletableFuture<BatchResult> batch =
        CompletableFuture.supplyAsync(() -> speaker.acquireAll(addresses6(2)));
    try {
      assertThat(inJoin.await(10, TimeUnit.SECONDS)).isTrue(); // the batch holds the speaker
      CompletableFuture<Void> push = CompletableFuture.runAsync(
          () -> speaker.setAnswerDeadline(scheduler.nanoTime() + 1_000_000_000L));
      push.get(2, TimeUnit.SECONDS);
      assertThat(responder.mayAnswer()).isTrue();
    } finally {
      release.countDown();
    }
    assertThat(batch.get(10, TimeUnit.SECONDS).allSucceeded()).isTrue();
  }

  @Test
  void announcementsLostToALapsedDeadlineResumeWithTheNextPush() {
    speaker.start();
    InetAddress vip = addresses4(1).get(0);
    // 4 s, not 5: the virtual clock starts 5 s before Long.MAX_VALUE, which means "no deadline".
    speaker.setAnswerDeadline(scheduler.nanoTime() + Duration.ofSeconds(4).toNanos());
    speaker.acquire(vip);
    scheduler.advance(Duration.ofSeconds(40)); // lapsed at 4 s: the refresh at 30 s is held
    assertThat(announced).containsExactly(vip);

    speaker.setAnswerDeadline(scheduler.nanoTime() + Duration.ofSeconds(60).toNanos());
    scheduler.runDue();
    assertThat(announced).containsExactly(vip, vip);
    scheduler.advance(Duration.ofSeconds(31));
    assertThat(announced).as("the refresh cadence is back").containsExactly(vip, vip, vip);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<InetAddress> addresses4(int n) {
    List<InetAddress> out = new ArrayList<>();
    for (int i = 0; i < n; i++) { // 198.18.0.0/15 (RFC 2544): only data here, never sent
      out.add(AnnounceHarness.ip("198.18." + (i >> 8) + "." + (i & 0xff)));
    }
    return out;
  }

  private static List<InetAddress> addresses6(int n) {
    List<InetAddress> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(AnnounceHarness.ip("2001:db8::" + Integer.toHexString(i)));
    }
    return out;
  }

  /** Group membership that records joins and refuses the addresses it is told to. */
  private static final class FakeGroups implements GroupMembership {
    final Set<InetAddress> refuse = new HashSet<>();
    final Set<Inet6Address> joined = new HashSet<>();
    Runnable onJoin = () -> { };

    @Override
    public void join(Inet6Address address) {
      onJoin.run();
      if (refuse.contains(address)) {
        throw new IllegalStateException("joining " + address + ": No buffer space available");
      }
      joined.add(address);
    }

    @Override
    public void leave(Inet6Address address) {
      joined.remove(address);
    }

    @Override
    public void close() {
      joined.clear();
    }
  }
}
