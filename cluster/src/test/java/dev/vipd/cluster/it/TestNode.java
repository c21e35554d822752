package dev.vipd.cluster.it;

import dev.vipd.cluster.ownership.Assignment;
import dev.vipd.cluster.ClusterNode;
import dev.vipd.cluster.ClusterSettings;
import dev.vipd.cluster.ClusterStatus;
import dev.vipd.cluster.MemberStatus;
import dev.vipd.cluster.ownership.OwnershipListener;
import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.cluster.election.Reason;
import dev.vipd.protocol.AnnounceSettings;
import dev.vipd.protocol.AnnouncementListener;
import dev.vipd.protocol.ConflictListener;
import dev.vipd.protocol.Speaker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One cluster member in its own JVM, for the multi-JVM failure tests ({@link ClusterLab}).
 *
 * <p>Usage: {@code ip netns exec <ns> java -cp <test classpath> dev.vipd.cluster.it.TestNode
 * <NodeOptions.toArgs()>}. Prints one line per event on stdout, {@code EVENT <monotonicMillis>
 * <wallMillis> acquired|released|fenced|unfenced|joined <vip> <epoch> <reason>} ({@code -} where a
 * field does not apply), and obeys stdin commands {@code drain}, {@code undrain}, {@code leave}
 * (hand over, then exit 0), {@code pools} (install the pools deferred by {@code --defer-pools
 * true}) and {@code status} (one {@code STATUS ...} line, see {@link
 * StatusLine}). End of stdin (the harness died) closes the node and exits 1. Logs go to stderr.
 *
 * <p>With {@code --interface eth0} a data-plane {@link Speaker} opened in this JVM's namespace
 * follows the {@link OwnershipListener}: it answers ARP / NS and announces the owned VIPs.
 */
public final class TestNode {
  /** Three GARPs 100 ms apart, no refresh: enough for a client in the lab to move. */
  private static final AnnounceSettings ANNOUNCE =
      new AnnounceSettings(3, Duration.ofMillis(100), Duration.ZERO, 2000);

  /** Fencing is not an event of the API: the status is polled this often to report it. */
  private static final long FENCE_POLL_MILLIS = 20;

  private static final PrintStream OUT =
      new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true,
          StandardCharsets.UTF_8);

  private TestNode() {}

  public static void main(String[] args) throws Exception {
    NodeOptions o = NodeOptions.parse(args);
    MultiThreadIoEventLoopGroup group = null;
    Speaker speaker = null;
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    if (o.iface() != null) {
      group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
      speaker = Speaker.open(group.next(), o.iface(), ANNOUNCE, registry,
          ConflictListener.IGNORE, AnnouncementListener.NONE);
    }
    ClusterSettings settings = new ClusterSettings(
        o.clusterName(), o.name(), Map.of(), NodeOptions.address(o.bind()), o.port(),
        o.peerAddresses(), o.beaconPort(), o.failureDetection(), o.policy(),
        ClusterSecret.load(o.secretFile()), Duration.ofMillis(200));
    ClusterNode node = ClusterNode.start(
        settings, o.deferPools() ? List.of() : o.poolList(), new Printer(speaker), registry);
    event("joined", null, 0, "-");
    ScheduledExecutorService fencing = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "fence-watch");
      t.setDaemon(true);
      return t;
    });
    boolean[] fenced = {false};
    fencing.scheduleWithFixedDelay(() -> {
      boolean now = node.status().fenced();
      if (now != fenced[0]) {
        fenced[0] = now;
        event(now ? "fenced" : "unfenced", null, 0, "-");
      }
    }, FENCE_POLL_MILLIS, FENCE_POLL_MILLIS, TimeUnit.MILLISECONDS);

    int exit = commands(node, o);
    fencing.shutdownNow();
    if (speaker != null) {
      speaker.close();
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
    System.exit(exit);
  }

  /** Reads stdin commands until {@code leave} (exit 0) or end of input (exit 1). */
  private static int commands(ClusterNode node, NodeOptions o) throws Exception {
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      if (line.startsWith("status ")) { // "status ID": the reply names the request it answers
        OUT.println(format(node.status()).replaceFirst("^STATUS ",
            "STATUS id=" + line.substring("status ".length()).trim() + " "));
        continue;
      }
      switch (line.trim()) {
        case "drain" -> OUT.println("DRAINED " + node.drain(Duration.ofSeconds(10)));
        case "undrain" -> {
          node.undrain();
          OUT.println("UNDRAINED");
        }
        case "status" -> OUT.println(format(node.status()));
        case "pools" -> {
          node.updatePools(o.poolList());
          OUT.println("POOLS");
        }
        case "leave" -> {
          boolean handedOver = node.leave(Duration.ofSeconds(10));
          OUT.println("LEFT " + handedOver);
          return 0;
        }
        case "" -> { }
        default -> OUT.println("ERROR unknown command: " + line);
      }
    }
    node.close();
    return 1;
  }

  /** The {@code STATUS} line {@link StatusLine#parse} reads. */
  static String format(ClusterStatus s) {
    StringJoiner members = new StringJoiner(",");
    for (MemberStatus m : s.members()) {
      StringBuilder b = new StringBuilder(m.name()).append(m.verified() ? "/v" : "/u");
      if (m.suspected()) {
        b.append("/s");
      }
      if (m.drained()) {
        b.append("/d");
      }
      if (m.leaving()) {
        b.append("/l");
      }
      if (m.self()) {
        b.append("/self");
      }
      members.add(b);
    }
    StringJoiner owners = new StringJoiner(",");
    s.owners().forEach((vip, a) -> owners.add(vip.getHostAddress() + "=" + a.node() + "@"
        + a.epoch()));
    return "STATUS node=" + s.nodeName() + " writer=" + s.writer() + " quorum=" + s.quorum()
        + " fenced=" + s.fenced() + " members=" + members + " owners=" + owners;
  }

  private static void event(String kind, InetAddress vip, long epoch, String reason) {
    OUT.println("EVENT " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime()) + " "
        + System.currentTimeMillis() + " " + kind + " "
        + (vip == null ? "-" : vip.getHostAddress()) + " " + epoch + " " + reason);
  }

  /** Prints ownership events and drives the data plane. */
  private record Printer(Speaker speaker) implements OwnershipListener {
    @Override
    public void acquired(Assignment a) {
      // printed first: the takeover benchmark measures up to the moment the node knows
      event("acquired", a.vip(), a.epoch(), a.reason().tag());
      if (speaker != null) {
        speaker.acquire(a.vip());
      }
    }

    @Override
    public void released(Assignment a, Reason reason) {
      // printed after: the hand-over test checks the successor acquired before this stopped
      if (speaker != null) {
        speaker.release(a.vip());
      }
      event("released", a.vip(), a.epoch(), reason.tag());
    }

    @Override
    public void answerDeadline(long deadlineNanos) {
      if (speaker != null) {
        speaker.setAnswerDeadline(deadlineNanos);
      }
    }
  }
}
