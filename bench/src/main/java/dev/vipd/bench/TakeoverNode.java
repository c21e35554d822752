package dev.vipd.bench;

import dev.vipd.cluster.ownership.Assignment;
import dev.vipd.cluster.ClusterNode;
import dev.vipd.cluster.ClusterSettings;
import dev.vipd.cluster.ownership.OwnershipListener;
import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.cluster.beacon.FailureDetectionProfile;
import dev.vipd.cluster.election.Policy;
import dev.vipd.cluster.election.Pool;
import dev.vipd.cluster.election.Quorum;
import dev.vipd.cluster.election.Reason;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One cluster member of {@link TakeoverBench}, run as its own JVM inside a host namespace:
 * {@code TakeoverNode <name> <bind> <peer,peer,...> <profile> <secret-file> <vip,vip,...>}, quorum
 * {@code none}, one pool {@code web}. Prints {@code EVENT <monotonicMillis> <wallMillis>
 * acquired|released|joined <vip> <epoch> <reason>} lines (the cluster tests' {@code TestNode}
 * format) and exits when its stdin closes. Profile {@code hazelcast-only} slows the beacons so
 * far that only Hazelcast's own membership removes a member: the peer the beacons are measured
 * against.
 */
public final class TakeoverNode {
  /** Suspicion after 10 s x 1000: never within a run. */
  static final FailureDetectionProfile HAZELCAST_ONLY =
      new FailureDetectionProfile("hazelcast-only", Duration.ofSeconds(10), 1000, 3);

  private static final PrintStream OUT =
      new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);

  private TakeoverNode() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      throw new IllegalArgumentException("usage: TakeoverNode <name> <bind> <peers> <profile>"
          + " <secret-file> <vips> (got " + args.length + " arguments)");
    }
    List<InetSocketAddress> peers = new ArrayList<>();
    for (String peer : args[2].split(",")) {
      peers.add(new InetSocketAddress(InetAddress.getByName(peer), TakeoverBench.HAZELCAST_PORT));
    }
    FailureDetectionProfile profile = args[3].equals(HAZELCAST_ONLY.name())
        ? HAZELCAST_ONLY
        : FailureDetectionProfile.named(args[3]);
    List<InetAddress> vips = new ArrayList<>();
    for (String vip : args[5].split(",")) {
      vips.add(InetAddress.getByName(vip));
    }
    ClusterSettings settings = new ClusterSettings("vipd-bench", args[0], Map.of(),
        InetAddress.getByName(args[1]), TakeoverBench.HAZELCAST_PORT, peers,
        TakeoverBench.BEACON_PORT, profile, new Policy(Quorum.NONE, 3),
        ClusterSecret.load(Path.of(args[4])), Duration.ofMillis(200));
    ClusterNode node = ClusterNode.start(settings, List.of(Pool.of("web", vips)),
        new Printer(), new SimpleMeterRegistry());
    event("joined", null, 0, "-");
    InputStream in = System.in;
    while (in.read() >= 0) {
      // the bench talks to nodes only by signals; end of input means it is gone
    }
    node.close();
    System.exit(0);
  }

  private static void event(String kind, InetAddress vip, long epoch, String reason) {
    OUT.println("EVENT " + System.nanoTime() / 1_000_000 + " " + System.currentTimeMillis()
        + " " + kind + " " + (vip == null ? "-" : vip.getHostAddress()) + " " + epoch + " "
        + reason);
  }

  private static final class Printer implements OwnershipListener {
    @Override
    public void acquired(Assignment a) {
      event("acquired", a.vip(), a.epoch(), a.reason().tag());
    }

    @Override
    public void released(Assignment a, Reason reason) {
      event("released", a.vip(), a.epoch(), reason.tag());
    }
  }
}
