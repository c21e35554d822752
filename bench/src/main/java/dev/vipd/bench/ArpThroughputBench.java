package dev.vipd.bench;

import dev.vipd.protocol.AnnounceSettings;
import dev.vipd.protocol.ConflictListener;
import dev.vipd.protocol.Speaker;
import dev.vipd.protocol.raw.BpfFilters;
import dev.vipd.protocol.raw.EtherKind;
import dev.vipd.protocol.raw.PacketSocket;
import dev.vipd.protocol.wire.ArpFrames;
import dev.vipd.testlab.Host;
import dev.vipd.testlab.NetnsLab;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * ARP requests answered per second by vipd's responder versus the Linux kernel answering for an
 * address on its own interface: same lab, same run, same generator. Not a test.
 *
 * <p>Lab (network namespaces, documentation addresses only): a generator host, a host where vipd
 * owns 198.51.100.100, and a host whose kernel owns 198.51.100.200 on its {@code eth0}, all on one
 * bridge. The generator sends broadcast requests for one target as fast as its socket takes them
 * for a fixed time and counts the replies it gets back. Rounds alternate kernel, vipd, kernel, ...
 * and the median of each is reported with the ratio. Needs root:
 *
 * <pre>
 * ./mvnw -B -q -DskipTests -pl bench -am package
 * java -cp bench/target/benchmarks.jar dev.vipd.bench.ArpThroughputBench [seconds-per-round] [rounds]
 * </pre>
 */
public final class ArpThroughputBench {
  private static final int VIP = 0xC6336464; // 198.51.100.100, owned by vipd
  private static final int KERNEL_IP = 0xC63364C8; // 198.51.100.200, on the kernel host's eth0
  private static final int GENERATOR_IP = 0xC6336409; // 198.51.100.9
  private static final long GENERATOR_MAC = 0x02_00_00_00_00_99L;

  private ArpThroughputBench() {}

  public static void main(String[] args) throws Exception {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    MultiThreadIoEventLoopGroup group =
        new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
    try (NetnsLab lab = NetnsLab.create(false)) {
      Host vipd = lab.host("v", "02:00:00:00:01:01", "198.51.100.11/24");
      Host kernel = lab.host("k", "02:00:00:00:01:02", "198.51.100.12/24", "198.51.100.200/32");
      Host generator = lab.host("g", "02:00:00:00:00:99", "198.51.100.9/24");
      vipd.run("sysctl", "-q", "-w", "net.ipv4.conf.all.arp_ignore=1");
      IoEventLoop responderLoop = (IoEventLoop) group.next();
      IoEventLoop generatorLoop = (IoEventLoop) group.next();
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      Speaker speaker = vipd.inside(() -> Speaker.open(responderLoop, "eth0",
          AnnounceSettings.DEFAULTS, registry, ConflictListener.IGNORE, (v, t) -> {}));
      speaker.acquire(InetAddress.getByName("198.51.100.100"));
      LongAdder replies = new LongAdder();
      PacketSocket socket = generator.inside(() -> PacketSocket.open(generatorLoop, "eth0",
          EtherKind.ARP, frame -> replies.increment(), new SimpleMeterRegistry()));
      try {
        List<Double> kernelRates = new ArrayList<>();
        List<Double> vipdRates = new ArrayList<>();
        run(socket, replies, KERNEL_IP, 0.5); // warm-up of both paths and the JIT
        run(socket, replies, VIP, 0.5);
        for (int r = 0; r < rounds; r++) {
          kernelRates.add(run(socket, replies, KERNEL_IP, seconds));
          vipdRates.add(run(socket, replies, VIP, seconds));
        }
        double k = median(kernelRates);
        double v = median(vipdRates);
        System.out.printf("kernel: %s answered/s (median of %d rounds of %.1f s)%n",
            kernelRates.stream().map(x -> String.format("%.0f", x)).toList(), rounds, seconds);
        System.out.printf("vipd:   %s answered/s%n",
            vipdRates.stream().map(x -> String.format("%.0f", x)).toList());
        System.out.printf("ratio vipd/kernel = %.2f (median %.0f / %.0f answered/s)%n", v / k, v,
            k);
        System.out.printf("vipd responder socket: %s%n", socketDrops(registry));
      } finally {
        socket.close();
        speaker.close();
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS);
    }
  }

  /** Sends requests for {@code target} for {@code seconds}; returns replies per second. */
  private static double run(PacketSocket socket, LongAdder replies, int target, double seconds) {
    socket.setFilter(BpfFilters.arp(new int[] {target})); // replies come from the target
    ByteBuf request = Unpooled.directBuffer(64);
    ArpFrames.writeRequest(request, GENERATOR_MAC, GENERATOR_IP, target);
    sleep(200);
    replies.reset();
    long sent = 0;
    long refused = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    while (System.nanoTime() < end) {
      if (socket.send(request)) {
        sent++;
      } else {
        refused++;
      }
    }
    sleep(200); // late replies
    double rate = replies.sum() / seconds;
    System.out.printf("  %-6s sent %.0f/s (%d refused by the generator's socket), answered %.0f/s%n",
        target == VIP ? "vipd" : "kernel", sent / seconds, refused, rate);
    request.release();
    return rate;
  }

  private static String socketDrops(SimpleMeterRegistry registry) {
    return registry.find("vipd.frames.dropped").counters().stream()
        .filter(c -> c.count() > 0)
        .map(c -> c.getId().getTag("reason") + "=" + (long) c.count())
        .toList()
        .toString()
        + registry.find("vipd.frames.dropped").functionCounters().stream()
        .map(c -> c.getId().getTag("reason") + "=" + (long) c.count())
        .toList();
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    return sorted.get(sorted.size() / 2);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
