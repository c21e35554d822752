package dev.vipd.bench;

import dev.vipd.protocol.AnnounceSettings;
import dev.vipd.protocol.Announcer;
import dev.vipd.protocol.ConflictListener;
import dev.vipd.protocol.Responder;
import dev.vipd.protocol.Speaker;
import dev.vipd.protocol.Verdict;
import dev.vipd.protocol.spi.FrameDrops;
import dev.vipd.protocol.spi.GroupMembership;
import dev.vipd.protocol.spi.L2Socket;
import dev.vipd.protocol.spi.PacketStatistics;
import dev.vipd.protocol.spi.SocketFilter;
import dev.vipd.protocol.wire.ArpFrames;
import dev.vipd.protocol.wire.InetAddresses;
import dev.vipd.protocol.wire.NdpFrames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The responder's handle path for one frame: check, owned-set lookup, reply written into the reused
 * buffer and handed to the socket (here a socket that discards it, so only vipd's own work is
 * measured). Run with the GC profiler to see bytes allocated per frame:
 *
 * <pre>
 * ./mvnw -B -q -DskipTests -pl bench -am package
 * java -jar bench/target/benchmarks.jar ResponderBenchmark -prof gc
 * </pre>
 *
 * The figure to read is {@code gc.alloc.rate.norm} (bytes per operation): the goal is 0.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ResponderBenchmark {
  private static final long OUR_MAC = 0x02_00_00_00_01_01L;
  private static final long CLIENT_MAC = 0x02_00_00_00_00_99L;

  private ScheduledExecutorService scheduler;
  private Speaker speaker;
  private Responder responder;
  private ByteBuf arpRequest;
  private ByteBuf arpNotOwned;
  private ByteBuf solicitation;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    scheduler = Executors.newSingleThreadScheduledExecutor();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    responder = new Responder("bench0", registry, new FrameDrops(registry, "bench0"),
        System::nanoTime, ConflictListener.IGNORE);
    speaker =
        new Speaker("bench0", responder, new DiscardSocket(), new DiscardSocket(),
            GroupMembership.NONE,
            (sink, owned, gate) -> new Announcer("bench0", sink, AnnounceSettings.DEFAULTS,
                scheduler, System::nanoTime, owned, gate, (vip, t) -> {}, registry));
    speaker.start();
    // A realistic owned set: 100 IPv4 and 100 IPv6 addresses.
    for (int i = 1; i <= 100; i++) {
      speaker.acquire(InetAddress.getByName("198.51.100." + i));
      speaker.acquire(InetAddress.getByName("2001:db8::" + Integer.toHexString(i)));
    }
    Inet4Address vip = (Inet4Address) InetAddress.getByName("198.51.100.50");
    Inet4Address other = (Inet4Address) InetAddress.getByName("203.0.113.50");
    Inet4Address client = (Inet4Address) InetAddress.getByName("198.51.100.200");
    Inet6Address vip6 = (Inet6Address) InetAddress.getByName("2001:db8::32");
    Inet6Address client6 = (Inet6Address) InetAddress.getByName("2001:db8::c8");
    arpRequest = Unpooled.directBuffer(64);
    ArpFrames.writeRequest(arpRequest, CLIENT_MAC, InetAddresses.toInt(client),
        InetAddresses.toInt(vip));
    arpNotOwned = Unpooled.directBuffer(64);
    ArpFrames.writeRequest(arpNotOwned, CLIENT_MAC, InetAddresses.toInt(client),
        InetAddresses.toInt(other));
    solicitation = Unpooled.directBuffer(128);
    NdpFrames.writeSolicitation(solicitation, CLIENT_MAC, InetAddresses.high(client6),
        InetAddresses.low(client6), InetAddresses.high(vip6), InetAddresses.low(vip6));
    check(responder.handleArp(arpRequest), Verdict.ANSWERED);
    check(responder.handleArp(arpNotOwned), Verdict.NOT_OWNED);
    check(responder.handleNdp(solicitation), Verdict.ANSWERED);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    speaker.close();
    scheduler.shutdownNow();
  }

  @Benchmark
  public Verdict arpRequestAnswered() {
    return responder.handleArp(arpRequest);
  }

  @Benchmark
  public Verdict arpRequestNotOwned() {
    return responder.handleArp(arpNotOwned);
  }

  @Benchmark
  public Verdict neighborSolicitationAnswered() {
    return responder.handleNdp(solicitation);
  }

  private static void check(Verdict actual, Verdict expected) {
    if (actual != expected) {
      throw new IllegalStateException("benchmark setup: " + actual + " (expected: " + expected + ")");
    }
  }

  /** Accepts every frame and drops it: the benchmark measures vipd, not the kernel. */
  private static final class DiscardSocket implements L2Socket {
    @Override
    public String interfaceName() {
      return "bench0";
    }

    @Override
    public int interfaceIndex() {
      return 1;
    }

    @Override
    public long mac() {
      return OUR_MAC;
    }

    @Override
    public boolean send(ByteBuf frame) {
      return frame.isReadable();
    }

    @Override
    public void setFilter(SocketFilter filter) {}

    @Override
    public PacketStatistics statistics() {
      return new PacketStatistics(0, 0);
    }

    @Override
    public void close() {}
  }
}
