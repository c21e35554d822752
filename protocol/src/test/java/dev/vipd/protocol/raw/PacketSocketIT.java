package dev.vipd.protocol.raw;

import static dev.vipd.protocol.raw.TestFrames.arp;
import static dev.vipd.protocol.raw.TestFrames.ipv4;
import static dev.vipd.protocol.raw.VethLab.IFACE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.vipd.protocol.spi.FrameDrops;
import dev.vipd.protocol.spi.FrameHandler;
import dev.vipd.testlab.Netns;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** PacketSocket against real veth interfaces in two network namespaces. */
class PacketSocketIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static VethLab lab;
  private static IoEventLoopGroup group;
  private static IoEventLoop loop;

  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final List<PacketSocket> sockets = new ArrayList<>();

  @BeforeAll
  static void setUp() throws Exception {
    VethLab.assumeAvailable();
    lab = VethLab.create("ps");
    // One thread: every socket of this class shares the loop, as on a real host.
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    loop = group.next();
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

  @AfterEach
  void closeSockets() {
    sockets.forEach(PacketSocket::close);
  }

  @Test
  void receivesArpRequestForOwnedAddressOnly() throws Exception {
    Recorder seen = new Recorder();
    PacketSocket a = open(lab.a, EtherKind.ARP, seen);
    a.setFilter(BpfFilters.arp(new int[] {ipv4(10)}));

    arping(lab.b, "198.51.100.11");
    arping(lab.b, "198.51.100.10");

    await().atMost(WAIT).until(() -> seen.sawArpTarget(ipv4(10)));
    // Frames arrive in order: the request for .11 went first and would be here by now.
    assertThat(seen.sawArpTarget(ipv4(11))).isFalse();
    assertThat(a.interfaceName()).isEqualTo(IFACE);
    assertThat(a.interfaceIndex()).isPositive();
    assertThat(a.mac()).isEqualTo(macOf(lab.a));
  }

  @Test
  void sentFramesArriveInTheOtherNamespace() throws Exception {
    Recorder seenInB = new Recorder();
    PacketSocket b = open(lab.b, EtherKind.ARP, seenInB);
    b.setFilter(BpfFilters.arp(new int[] {ipv4(20), ipv4(21)}));
    PacketSocket a = open(lab.a, EtherKind.ARP, frame -> { });

    byte[] fromHeap = arp(1, ipv4(1), ipv4(20));
    byte[] fromDirect = arp(1, ipv4(1), ipv4(21));
    ByteBuf direct = Unpooled.directBuffer(64).writeBytes(fromDirect);
    try {
      assertThat(a.send(Unpooled.wrappedBuffer(fromHeap))).isTrue();
      assertThat(a.send(direct)).isTrue();
      assertThat(direct.readableBytes()).isEqualTo(fromDirect.length); // indices untouched
    } finally {
      direct.release();
    }

    await().atMost(WAIT).until(() -> seenInB.frames.size() >= 2);
    assertThat(seenInB.frames).containsExactly(fromHeap, fromDirect);
  }

  @Test
  void statisticsCountReceivedFramesAndSurviveClose() throws Exception {
    Recorder seen = new Recorder();
    PacketSocket a = open(lab.a, EtherKind.ARP, seen);
    a.setFilter(BpfFilters.arp(new int[] {ipv4(30)}));
    PacketSocket b = open(lab.b, EtherKind.ARP, frame -> { });
    int n = 20;
    for (int i = 0; i < n; i++) {
      assertThat(b.send(Unpooled.wrappedBuffer(arp(1, ipv4(2), ipv4(30))))).isTrue();
      assertThat(b.send(Unpooled.wrappedBuffer(arp(1, ipv4(2), ipv4(31))))).isTrue(); // filtered
    }

    await().atMost(WAIT).until(() -> seen.count.get() == n);
    assertThat(a.statistics().received()).isEqualTo(n);
    assertThat(a.statistics().dropped()).isZero();
    a.close();
    assertThat(a.statistics().received()).isEqualTo(n);
  }

  @Test
  void oneInjectedDropMeterSetServesBothSocketsAndLeavesWithItsOwner() throws Exception {
    FrameDrops drops = new FrameDrops(registry, IFACE);
    PacketSocket arpSocket = Netns.call(lab.a, () -> PacketSocket.open(
        loop, IFACE, EtherKind.ARP, frame -> { }, drops));
    PacketSocket ipv6Socket = Netns.call(lab.a, () -> PacketSocket.open(
        loop, IFACE, EtherKind.IPV6, frame -> { }, drops));
    sockets.add(arpSocket);
    sockets.add(ipv6Socket);
    assertThat(dropMeters().meters()).hasSize(5);
    assertThat(dropMeters().tag("reason", "socket-buffer").functionCounter().count()).isZero();

    arpSocket.close();
    ipv6Socket.close();
    assertThat(dropMeters().meters()).as("the owner, not the sockets, removes them").hasSize(5);
    drops.close();
    assertThat(dropMeters().meters()).isEmpty();
  }

  @Test
  void aLoneSocketRemovesItsOwnDropMetersOnClose() throws Exception {
    PacketSocket lone = open(lab.a, EtherKind.ARP, frame -> { });
    assertThat(dropMeters().meters()).hasSize(5);
    lone.close();
    assertThat(dropMeters().meters()).isEmpty();
  }

  @Test
  void dropMetersOfAnotherInterfaceAreRefused() {
    FrameDrops other = new FrameDrops(registry, "eth9");
    assertThatThrownBy(() -> PacketSocket.open(loop, IFACE, EtherKind.ARP, frame -> { }, other))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid drop meters: of eth9 (expected: of " + IFACE + ")");
    other.close();
  }

  @Test
  void sendAfterCloseFailsAndIsCounted() throws Exception {
    PacketSocket a = open(lab.a, EtherKind.ARP, frame -> { });
    a.close();
    a.close(); // idempotent
    assertThat(a.send(Unpooled.wrappedBuffer(arp(1, ipv4(1), ipv4(2))))).isFalse();
  }

  @Test
  void sendOfAnInvalidFrameReturnsFalseAndCounts() throws Exception {
    PacketSocket a = open(lab.a, EtherKind.ARP, frame -> { });
    // Larger than the MTU: the kernel refuses it.
    assertThat(a.send(Unpooled.wrappedBuffer(new byte[9000]))).isFalse();
    assertThat(dropMeters().tag("reason", "send-error").counter().count()).isEqualTo(1);
  }

  @Test
  void handlerExceptionIsCountedAndTheSocketKeepsReceiving() throws Exception {
    Recorder seen = new Recorder();
    AtomicBoolean thrown = new AtomicBoolean();
    PacketSocket a = open(lab.a, EtherKind.ARP, frame -> {
      if (thrown.compareAndSet(false, true)) {
        throw new IllegalStateException("handler bug (expected by the test)");
      }
      seen.onFrame(frame);
    });
    a.setFilter(BpfFilters.arp(new int[] {ipv4(60)}));
    PacketSocket b = open(lab.b, EtherKind.ARP, frame -> { });
    b.send(Unpooled.wrappedBuffer(arp(1, ipv4(2), ipv4(60))));
    b.send(Unpooled.wrappedBuffer(arp(1, ipv4(2), ipv4(60))));

    await().atMost(WAIT).until(() -> seen.count.get() == 1);
    assertThat(dropMeters().tag("reason", "handler-error").counter().count()).isEqualTo(1);
  }

  @Test
  void framesLargerThanTheBufferAreCountedAsOversize() throws Exception {
    Recorder seen = new Recorder();
    PacketSocket a = open(lab.a, EtherKind.ARP, seen); // buffer sized for MTU 1500
    a.setFilter(BpfFilters.arp(new int[] {ipv4(50)}));
    PacketSocket b = open(lab.b, EtherKind.ARP, frame -> { });
    byte[] jumbo = java.util.Arrays.copyOf(arp(1, ipv4(2), ipv4(50)), 3000);
    try {
      VethLab.ip("-n", lab.a, "link", "set", IFACE, "mtu", "4000");
      VethLab.ip("-n", lab.b, "link", "set", IFACE, "mtu", "4000");
      assertThat(b.send(Unpooled.wrappedBuffer(jumbo))).isTrue();
      assertThat(b.send(Unpooled.wrappedBuffer(arp(1, ipv4(2), ipv4(50))))).isTrue();

      await().atMost(WAIT).until(() -> seen.count.get() == 1);
      assertThat(seen.frames.get(0)).hasSize(42);
      assertThat(dropMeters().tag("reason", "oversize").counter().count()).isEqualTo(1);
    } finally {
      VethLab.ip("-n", lab.a, "link", "set", IFACE, "mtu", "1500");
      VethLab.ip("-n", lab.b, "link", "set", IFACE, "mtu", "1500");
    }
  }

  @Test
  void sendAndReceivePathsDoNotAllocatePerFrame() throws Exception {
    Recorder seen = new Recorder();
    seen.keep = false; // count only: the handler itself allocates nothing
    PacketSocket a = open(lab.a, EtherKind.ARP, seen);
    a.setFilter(BpfFilters.arp(new int[] {ipv4(70)}));
    PacketSocket b = open(lab.b, EtherKind.ARP, frame -> { });
    ByteBuf direct = Unpooled.directBuffer(64).writeBytes(arp(1, ipv4(2), ipv4(70)));
    ByteBuf heap = Unpooled.buffer(64).writeBytes(arp(1, ipv4(2), ipv4(70)));
    try {
      int n = 20_000;
      sendPaced(b, direct, heap, n, seen); // warm up the JIT and the thread-local buffer

      long loopBefore = loop.submit(PacketSocketIT::allocatedByThisThread).get();
      long before = allocatedByThisThread();
      sendPaced(b, direct, heap, n, seen);
      long sendBytes = allocatedByThisThread() - before;
      long loopBytes = loop.submit(PacketSocketIT::allocatedByThisThread).get() - loopBefore;

      // Generous: a few KB of one-off noise, far below one object per frame (>= 16 B each).
      assertThat(seen.count.get()).isEqualTo(2 * n);
      assertThat(sendBytes).isLessThan(n);
      assertThat(loopBytes).isLessThan(n);
    } finally {
      direct.release();
      heap.release();
    }
  }

  /** Sends in batches small enough for the receive buffer, waiting (allocation-free) for each. */
  private static void sendPaced(
      PacketSocket socket, ByteBuf direct, ByteBuf heap, int n, Recorder seen)
      throws InterruptedException {
    int batch = 50;
    for (int sent = 0; sent < n; sent += batch) {
      int expected = seen.count.get() + batch;
      for (int i = 0; i < batch / 2; i++) {
        if (!socket.send(direct) || !socket.send(heap)) {
          throw new AssertionError("send failed after " + sent + " frames");
        }
      }
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (seen.count.get() < expected) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("frames not received after " + sent + " frames");
        }
        Thread.sleep(0, 100_000);
      }
    }
  }

  private static long allocatedByThisThread() {
    return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory
        .getThreadMXBean()).getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  @Test
  void missingInterfaceIsReportedByName() {
    assertThatThrownBy(() -> open(lab.a, EtherKind.ARP, frame -> { }, "nope0"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("interface nope0 not found");
  }

  @Test
  void interfaceOfAnotherNamespaceIsNotFound() {
    // The lab's veth exists only inside the namespaces, so set-up must run on the calling thread.
    assertThat(Netns.path(lab.a)).exists();
    assertThatThrownBy(() -> PacketSocket.open(loop, "veth", EtherKind.ARP, f -> { }, registry))
        .hasMessage("interface veth not found");
  }

  @Test
  void closeWhileFramesFlowIsPromptAndFinal() throws Exception {
    Recorder flooded = new Recorder();
    flooded.keep = false;
    PacketSocket a = open(lab.a, EtherKind.ARP, flooded);
    a.setFilter(BpfFilters.arp(new int[] {ipv4(40)}));
    Recorder other = new Recorder();
    PacketSocket a2 = open(lab.a, EtherKind.ARP, other);
    a2.setFilter(BpfFilters.arp(new int[] {ipv4(41)}));
    PacketSocket b = open(lab.b, EtherKind.ARP, frame -> { });

    AtomicBoolean flooding = new AtomicBoolean(true);
    Thread flood = new Thread(() -> {
      ByteBuf frame = Unpooled.directBuffer(64).writeBytes(arp(1, ipv4(2), ipv4(40)));
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (flooding.get() && System.nanoTime() < end) {
        b.send(frame);
      }
      frame.release();
    }, "flood");
    flood.start();
    try {
      await().atMost(WAIT).until(() -> flooded.count.get() > 1000);

      long start = System.nanoTime();
      a.close();
      long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      int atClose = flooded.count.get();

      assertThat(closeMillis).isLessThan(2000);
      Thread.sleep(300);
      assertThat(flooded.count.get()).isEqualTo(atClose);

      // The loop still serves the other socket.
      b.send(Unpooled.wrappedBuffer(arp(1, ipv4(2), ipv4(41))));
      await().atMost(WAIT).until(() -> other.sawArpTarget(ipv4(41)));
    } finally {
      flooding.set(false);
      flood.join(TimeUnit.SECONDS.toMillis(25));
    }
  }

  private Search dropMeters() {
    return registry.find(FrameDrops.NAME).tag("interface", IFACE);
  }

  private PacketSocket open(String ns, EtherKind kind, FrameHandler handler) throws Exception {
    return open(ns, kind, handler, IFACE);
  }

  private PacketSocket open(String ns, EtherKind kind, FrameHandler handler, String iface)
      throws Exception {
    PacketSocket socket = Netns.call(ns, () -> PacketSocket.open(loop, iface, kind, handler,
        registry));
    sockets.add(socket);
    return socket;
  }

  private static void arping(String ns, String target) {
    // No one answers, so arping exits non-zero; only the request matters here.
    VethLab.execIn(ns, Duration.ofSeconds(10), "arping", "-c", "1", "-w", "1", "-I", IFACE, target);
  }

  private static long macOf(String ns) {
    String out = VethLab.ip("-n", ns, "-br", "link", "show", IFACE);
    String mac = out.trim().split("\\s+")[2];
    return Long.parseLong(mac.replace(":", ""), 16);
  }
}
