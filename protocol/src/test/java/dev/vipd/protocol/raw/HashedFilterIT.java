package dev.vipd.protocol.raw;

import static dev.vipd.protocol.raw.VethLab.IFACE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.testlab.Netns;
import dev.vipd.protocol.spi.SocketFilter;
import dev.vipd.protocol.wire.NdpFrames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hashed NDP filter in the kernel, at 10,000 VIPs: every solicitation for an owned address
 * reaches user space, and far fewer of the others than with the pass-all program it replaces.
 */
class HashedFilterIT {
  private static final long SOURCE_HI = 0xfe80_0000_0000_0000L;
  private static final long TARGET_HI = 0x2001_0db8_0000_0000L;
  private static final int OWNED = 10_000;
  private static final int OTHERS = 4000;

  private static VethLab lab;
  private static IoEventLoopGroup group;

  @BeforeAll
  static void setUp() throws Exception {
    VethLab.assumeAvailable();
    lab = VethLab.create("hash");
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (group != null) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void tenThousandVipsPassEveryOwnedSolicitationAndAFractionOfTheRest() throws Exception {
    Random random = new Random(3);
    Set<Integer> ownedSet = new HashSet<>();
    while (ownedSet.size() < OWNED) {
      ownedSet.add(random.nextInt());
    }
    long[] owned = ownedSet.stream().mapToLong(i -> i & 0xffff_ffffL).toArray();
    int[] others = random.ints().filter(i -> !ownedSet.contains(i)).limit(OTHERS).toArray();
    int[] ownedSample = ownedSet.stream().limit(500).mapToInt(Integer::intValue).toArray();

    AtomicInteger ownedSeen = new AtomicInteger();
    AtomicInteger othersSeen = new AtomicInteger();
    IoEventLoop loop = group.next();
    try (PacketSocket a = Netns.call(lab.a, () -> PacketSocket.open(loop, IFACE, EtherKind.IPV6,
            frame -> {
              if (isOurs(frame)) {
                (ownedSet.contains(frame.getInt(74)) ? ownedSeen : othersSeen).incrementAndGet();
              }
            }, new SimpleMeterRegistry()));
        PacketSocket b = Netns.call(lab.b, () -> PacketSocket.open(loop, IFACE, EtherKind.IPV6,
            frame -> { }, new SimpleMeterRegistry()))) {
      SocketFilter hashed = BpfFilters.ndp(owned);
      a.setFilter(hashed); // the kernel accepts the ~3,100-instruction program

      // Owned solicitations are sent in step with the receiver (each batch waits until it has
      // arrived), so that a loaded machine cannot overflow the receive buffer with them.
      send(b, ownedSample, ownedSeen::get);
      send(b, others, null);
      awaitCount(ownedSeen::get, ownedSample.length);
      awaitSteady(othersSeen::get); // the last of the others that pass have arrived
      int hashedOthers = othersSeen.get();

      a.setFilter(BpfFilters.ndpChoices(owned).get(BpfFilters.ndpChoices(owned).size() - 1));
      othersSeen.set(0);
      send(b, others, othersSeen::get); // pass-all: every one arrives, in step
      awaitCount(othersSeen::get, OTHERS);
      int passAllOthers = othersSeen.get();

      System.out.printf("kernel BPF at %d IPv6 VIPs (%d instructions): %d of %d solicitations "
          + "for other addresses reached user space (%.1f%%); pass-all: %d (%.1f%%); owned: "
          + "%d of %d%n", OWNED, hashed.length(), hashedOthers, OTHERS,
          100.0 * hashedOthers / OTHERS, passAllOthers, 100.0 * passAllOthers / OTHERS,
          ownedSeen.get(), ownedSample.length);
      assertThat(ownedSeen.get()).isEqualTo(ownedSample.length);
      assertThat(passAllOthers).isEqualTo(OTHERS);
      assertThat(hashedOthers).isLessThan(OTHERS * 35 / 100);
      assertThat(a.statistics().dropped()).isZero();
    }
  }

  /**
   * Each fallback program (what a kernel with a small {@code optmem_max} gets) passes every owned
   * solicitation in the kernel too, including after a larger program was refused with ENOMEM.
   */
  @Test
  void everyFallbackPassesOwnedSolicitationsInTheKernel() throws Exception {
    Random random = new Random(4);
    long[] owned = random.longs(3000).map(v -> v & 0xffff_ffffL).toArray();
    int[] sample = LongStream.of(owned).limit(200).mapToInt(v -> (int) v).toArray();
    Set<Integer> sampleSet = IntStream.of(sample).boxed().collect(Collectors.toSet());
    AtomicInteger seen = new AtomicInteger();
    String before = VethLab.execIn(lab.a, Duration.ofSeconds(10), "cat",
        "/proc/sys/net/core/optmem_max").output().trim();
    IoEventLoop loop = group.next();
    try (PacketSocket a = Netns.call(lab.a, () -> PacketSocket.open(loop, IFACE, EtherKind.IPV6,
            frame -> {
              if (isOurs(frame) && sampleSet.contains(frame.getInt(74))) {
                seen.incrementAndGet();
              }
            }, new SimpleMeterRegistry()));
        PacketSocket b = Netns.call(lab.b, () -> PacketSocket.open(loop, IFACE, EtherKind.IPV6,
            frame -> { }, new SimpleMeterRegistry()))) {
      VethLab.execIn(lab.a, Duration.ofSeconds(10), "sh", "-c",
          "echo 20480 > /proc/sys/net/core/optmem_max");
      List<String> refused = new ArrayList<>();
      for (SocketFilter choice : BpfFilters.ndpChoices(owned)) {
        try {
          a.setFilter(choice);
        } catch (UncheckedIOException e) {
          refused.add(choice.length() + ": " + e.getMessage());
          continue;
        }
        seen.set(0);
        send(b, sample, seen::get);
        awaitCount(seen::get, sample.length);
        System.out.printf("optmem_max 20480: %d-instruction filter passed %d of %d owned%n",
            choice.length(), seen.get(), sample.length);
        assertThat(seen.get()).as("%d-instruction filter", choice.length())
            .isEqualTo(sample.length);
      }
      System.out.println("refused: " + refused);
    } finally {
      VethLab.execIn(lab.a, Duration.ofSeconds(10), "sh", "-c",
          "echo " + before + " > /proc/sys/net/core/optmem_max");
    }
  }

  /**
   * Neighbor solicitations from b for 2001:db8::{low 32 bits}, in batches of 50 with a pause
   * between them. With {@code arrived} (a count that every one of these frames raises), each batch
   * first waits until the previous ones have all arrived, so the receive buffer never holds more
   * than one batch.
   */
  private static void send(PacketSocket b, int[] targets, IntSupplier arrived)
      throws InterruptedException {
    int base = arrived == null ? 0 : arrived.getAsInt();
    ByteBuf frame = Unpooled.directBuffer(128);
    try {
      for (int i = 0; i < targets.length; i++) {
        frame.clear();
        NdpFrames.writeSolicitation(frame, b.mac(), SOURCE_HI, 0x2, TARGET_HI,
            targets[i] & 0xffff_ffffL);
        assertThat(b.send(frame)).isTrue();
        if (i % 50 == 49) {
          Thread.sleep(5);
          if (arrived != null) {
            awaitCount(arrived, base + i + 1);
          }
        }
      }
    } finally {
      frame.release();
    }
  }

  /**
   * Whether {@code frame} is one of this test's solicitations (target in 2001:db8::/64), not one
   * the kernel sends by itself on the link (duplicate address detection, MLD reports).
   */
  private static boolean isOurs(ByteBuf frame) {
    return frame.readableBytes() >= 78 && frame.getLong(62) == TARGET_HI;
  }

  /** Waits (at most 10 s) until {@code count} has not changed for 500 ms. */
  private static void awaitSteady(IntSupplier count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    int last = count.getAsInt();
    long since = System.nanoTime();
    while (System.nanoTime() - since < 500_000_000L && System.nanoTime() - deadline < 0) {
      Thread.sleep(20);
      int now = count.getAsInt();
      if (now != last) {
        last = now;
        since = System.nanoTime();
      }
    }
  }

  private static void awaitCount(IntSupplier count, int expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (count.getAsInt() < expected && System.nanoTime() - deadline < 0) {
      Thread.sleep(5);
    }
  }

}
