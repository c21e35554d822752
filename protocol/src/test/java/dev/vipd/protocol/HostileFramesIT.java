package dev.vipd.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.protocol.raw.EtherKind;
import dev.vipd.protocol.raw.PacketSocket;
import dev.vipd.protocol.wire.ArpFrames;
import dev.vipd.protocol.wire.FrameError;
import dev.vipd.protocol.wire.HostileFrames;
import dev.vipd.protocol.wire.NdpFrames;
import dev.vipd.testlab.Host;
import dev.vipd.testlab.NetnsLab;
import dev.vipd.testlab.Sh;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client puts the codec tests' hostile set and thousands of random mutations of real captures
 * on the wire towards a responder that owns the captures' addresses: every frame is dropped and
 * counted with its reason, none is answered, and the responder still answers afterwards.
 */
class HostileFramesIT {
  private static final String H1_MAC = "02:00:00:00:01:01";
  /** The addresses in the golden captures the hostile set is made from. */
  private static final List<String> CAPTURED =
      List.of("198.51.100.1", "198.51.100.2", "2001:db8::1", "2001:db8::2");
  private static final int MUTATIONS = 3000;

  @Test
  void hostileFramesAreCountedAndDroppedAndNeverAnswered() throws Exception {
    NetnsLab.assumeAvailable();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(2,
        EpollIoHandler.newFactory());
    try (NetnsLab lab = NetnsLab.create(false)) {
      Host h1 = lab.host("h1", H1_MAC, "198.51.100.11/24", "2001:db8::11/64");
      Host client = lab.host("c", "02:00:00:00:00:99", "198.51.100.9/24", "2001:db8::9/64");
      IoEventLoop loop = (IoEventLoop) group.next();
      IoEventLoop clientLoop = (IoEventLoop) group.next();
      try (Speaker speaker = h1.inside(() -> Speaker.open(loop, "eth0",
              new AnnounceSettings(1, Duration.ofMillis(100), Duration.ZERO, 2000), registry,
              ConflictListener.IGNORE, (vip, t) -> {}));
          PacketSocket arpOut = client.inside(() -> PacketSocket.open(clientLoop, "eth0",
              EtherKind.ARP, f -> {}, new SimpleMeterRegistry()));
          PacketSocket ndpOut = client.inside(() -> PacketSocket.open(clientLoop, "eth0",
              EtherKind.IPV6, f -> {}, new SimpleMeterRegistry()))) {
        for (String a : CAPTURED) {
          speaker.acquire(InetAddress.getByName(a));
        }
        long mac = h1.macValue();
        List<byte[]> arp = new ArrayList<>(HostileFrames.arp());
        List<byte[]> ndp = new ArrayList<>(HostileFrames.ndp());
        addMutations(arp, ndp);
        double answeredBefore = answered(registry);

        int sent = 0;
        for (byte[] f : arp) {
          sent += send(arpOut, f, mac, sent);
        }
        for (byte[] f : ndp) {
          sent += send(ndpOut, f, mac, sent);
        }
        // Frames that the kernel filter passes reach the responder; it must drop them all.
        List<String> reasons = List.of("unknown-opcode", "bad-hardware-type", "trailing-bytes",
            "bad-checksum", "bad-option-length", "bad-payload-length");
        DataPlaneIT.awaitTrue(Duration.ofSeconds(30), () -> malformed(registry) >= 40
            && reasons.stream().allMatch(r -> dropped(registry, r) > 0));
        System.out.printf("hostile frames sent: %d; counted malformed by the responder: %.0f;"
            + " answered: %.0f%n", sent, malformed(registry), answered(registry) - answeredBefore);

        System.out.println("dropped by reason: " + registry.find("vipd.frames.dropped").counters()
            .stream().map(c -> c.getId().getTag("reason") + "=" + (long) c.count()).toList());
        assertThat(answered(registry)).isEqualTo(answeredBefore);
        for (String reason : reasons) {
          assertThat(dropped(registry, reason)).as("frames dropped for " + reason).isPositive();
        }
        // The loop survived: a real client still gets its answer.
        Sh.Result arping = client.exec("arping", "-c", "1", "-w", "2", "-I", "eth0",
            "198.51.100.1");
        assertThat(arping.exitCode()).as(arping.output()).isZero();
        Sh.Result ndisc = client.exec("ndisc6", "-1", "-r", "3", "-w", "500", "2001:db8::2",
            "eth0");
        assertThat(ndisc.exitCode()).as(ndisc.output()).isZero();
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
    }
  }

  /** Random byte changes of real captures, kept only where the codec rejects the result. */
  private static void addMutations(List<byte[]> arp, List<byte[]> ndp) {
    Random random = new Random(20261126L);
    byte[][] arpBase = {HostileFrames.golden("arp-request-arping"),
        HostileFrames.golden("arp-reply-kernel"), HostileFrames.golden("arp-garp-request")};
    byte[][] ndpBase = {HostileFrames.golden("ns-ndisc6"), HostileFrames.golden("ns-kernel-dad"),
        HostileFrames.golden("na-kernel-solicited")};
    for (int i = 0; i < MUTATIONS; i++) {
      boolean isArp = random.nextBoolean();
      byte[][] base = isArp ? arpBase : ndpBase;
      byte[] f = base[random.nextInt(base.length)].clone();
      int changes = 1 + random.nextInt(3);
      for (int c = 0; c < changes; c++) {
        int at = 14 + random.nextInt(f.length - 14); // keep the Ethernet header
        f[at] = (byte) random.nextInt(256);
      }
      ByteBuf b = Unpooled.wrappedBuffer(f);
      FrameError error = isArp ? ArpFrames.check(b) : NdpFrames.check(b);
      if (error != FrameError.NONE) {
        (isArp ? arp : ndp).add(f);
      }
    }
  }

  /** Sends one frame addressed to the responder's MAC; frames shorter than a header are padded. */
  private static int send(PacketSocket socket, byte[] frame, long mac, int sentSoFar) {
    byte[] f = frame.length >= 14 ? frame.clone() : Arrays.copyOf(frame, 14);
    for (int i = 0; i < 6; i++) {
      f[i] = (byte) (mac >>> (40 - 8 * i));
    }
    if (frame.length < 14) {
      return 0; // not even an Ethernet header: the kernel would not deliver it as ARP/IPv6
    }
    if (sentSoFar % 200 == 199) {
      DataPlaneIT.sleep(1); // paced so the responder's socket buffer never overflows
    }
    return socket.send(Unpooled.wrappedBuffer(f)) ? 1 : 0;
  }

  private static double answered(SimpleMeterRegistry r) {
    return r.find("vipd.arp.requests").tag("result", "answered").counters().stream()
        .mapToDouble(c -> c.count()).sum()
        + r.find("vipd.ndp.solicitations").tag("result", "answered").counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }

  private static double malformed(SimpleMeterRegistry r) {
    return r.find("vipd.arp.requests").tag("result", "malformed").counters().stream()
        .mapToDouble(c -> c.count()).sum()
        + r.find("vipd.ndp.solicitations").tag("result", "malformed").counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }

  private static double dropped(SimpleMeterRegistry r, String reason) {
    return r.find("vipd.frames.dropped").tag("reason", reason).counters().stream()
        .mapToDouble(c -> c.count()).sum();
  }
}
