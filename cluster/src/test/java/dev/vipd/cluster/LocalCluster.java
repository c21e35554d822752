package dev.vipd.cluster;

import dev.vipd.cluster.auth.ClusterSecret;
import dev.vipd.cluster.beacon.FailureDetectionProfile;
import dev.vipd.cluster.election.Policy;
import dev.vipd.cluster.election.Pool;
import dev.vipd.cluster.election.Quorum;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Real {@link ClusterNode}s in this JVM: node {@code i} binds 127.0.0.{i+1} (loopback answers
 * the whole 127/8 on Linux) so that every node can use the same beacon port, as in production.
 * Closes everything in {@link #close()}.
 */
final class LocalCluster implements AutoCloseable {
  static final byte[] KEY = filled(7);
  static final byte[] OTHER_KEY = filled(9);

  /**
   * 100 ms x 30 = 3 s: these nodes share one JVM, so a GC pause or a starved machine stalls every
   * beacon at once and the default 560 ms would suspect peers that are fine. No test here measures
   * detection speed; the ITs with one process per node do.
   */
  static final FailureDetectionProfile SLACK =
      new FailureDetectionProfile("test-slack", Duration.ofMillis(100), 30, 3);

  final String name = "vipd-test-" + UUID.randomUUID();
  final int hazelcastPort;
  final int beaconPort;
  final List<Recorder.Event> log = new CopyOnWriteArrayList<>();
  final Map<String, ClusterNode> nodes = new LinkedHashMap<>();
  final Map<String, Recorder> recorders = new LinkedHashMap<>();
  final Map<String, SimpleMeterRegistry> registries = new LinkedHashMap<>();
  private final int size;
  private final Policy policy;
  private List<Pool> pools;

  LocalCluster(int size, Policy policy, List<Pool> pools) throws IOException {
    this.size = size;
    this.policy = policy;
    this.pools = pools;
    this.hazelcastPort = freePort(size, true);
    this.beaconPort = freePort(size, false);
  }

  LocalCluster(int size, List<Pool> pools) throws IOException {
    this(size, new Policy(Quorum.NONE, size), pools);
  }

  static String nodeName(int index) {
    return "n" + (index + 1);
  }

  static InetAddress host(int index) {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (index + 1)});
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  ClusterSettings settings(int index, byte[] key) {
    List<InetSocketAddress> peers = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      peers.add(new InetSocketAddress(host(i), hazelcastPort));
    }
    return new ClusterSettings(name, nodeName(index), Map.of("idx", Integer.toString(index)),
        host(index), hazelcastPort, peers, beaconPort, SLACK, policy,
        // A 1 s hand-over grace (production: 200 ms): the successors here share one loaded JVM
        // and must have acquired before the leaver lets go, which the tests check.
        ClusterSecret.of(key), Duration.ofSeconds(1));
  }

  ClusterNode start(int index) throws IOException {
    return start(index, KEY);
  }

  ClusterNode start(int index, byte[] key) throws IOException {
    String node = nodeName(index);
    Recorder recorder = new Recorder(node, log);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ClusterNode started = ClusterNode.start(settings(index, key), pools, recorder, registry);
    nodes.put(node, started);
    recorders.put(node, recorder);
    registries.put(node, registry);
    return started;
  }

  /** Starts node {@code index} already unhealthy for {@code unhealthyPools}. */
  ClusterNode startWith(int index, java.util.Set<String> unhealthyPools) throws IOException {
    String node = nodeName(index);
    Recorder recorder = new Recorder(node, log);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    ClusterNode started = ClusterNode.start(settings(index, KEY), pools, recorder, registry,
        unhealthyPools, java.util.Set.of(), false);
    nodes.put(node, started);
    recorders.put(node, recorder);
    registries.put(node, registry);
    return started;
  }

  /**
   * Starts every node at once, as hosts booted together do: one after another, each start
   * blocking on its Hazelcast join, could outlast the cold-start settle window on a slow machine.
   */
  void startAll() throws IOException {
    List<Recorder> recs = new ArrayList<>();
    List<SimpleMeterRegistry> regs = new ArrayList<>();
    List<CompletableFuture<ClusterNode>> starts = new ArrayList<>();
    // Own threads: the common pool has one worker on a 2-core machine, which would start them in
    // turn.
    ExecutorService starters = Executors.newFixedThreadPool(size);
    for (int i = 0; i < size; i++) {
      Recorder recorder = new Recorder(nodeName(i), log);
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      ClusterSettings settings = settings(i, KEY);
      recs.add(recorder);
      regs.add(registry);
      starts.add(CompletableFuture.supplyAsync(() -> {
        try {
          return ClusterNode.start(settings, pools, recorder, registry);
        } catch (IOException e) {
          throw new CompletionException(e);
        }
      }, starters));
    }
    starters.shutdown();
    for (int i = 0; i < size; i++) {
      ClusterNode started;
      try {
        started = starts.get(i).join();
      } catch (CompletionException e) {
        throw new IOException("starting " + nodeName(i), e.getCause());
      }
      nodes.put(nodeName(i), started);
      recorders.put(nodeName(i), recs.get(i));
      registries.put(nodeName(i), regs.get(i));
    }
  }

  ClusterNode node(String node) {
    return nodes.get(node);
  }

  Recorder recorder(String node) {
    return recorders.get(node);
  }

  void stop(String node) {
    ClusterNode n = nodes.remove(node);
    if (n != null) {
      n.close();
    }
  }

  @Override
  public void close() {
    for (ClusterNode n : List.copyOf(nodes.values())) {
      try {
        n.close();
      } catch (RuntimeException e) {
        // keep closing the others
      }
    }
    nodes.clear();
  }

  static InetAddress ip(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  static List<InetAddress> ips(String... texts) {
    return Arrays.stream(texts).map(LocalCluster::ip).toList();
  }

  private static byte[] filled(int value) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) value);
    return key;
  }

  /**
   * A port below the kernel's ephemeral range (32768-60999 by default) that is free for TCP or UDP
   * on every node's address. A port the kernel hands out for {@code bind(0)} lies inside that
   * range, so an outgoing connection (Hazelcast's own among them) could take it again before the
   * node binds it; below the range only an explicit bind can.
   */
  private static int freePort(int size, boolean tcp) throws IOException {
    java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = 20_000 + random.nextInt(12_000);
      if (bindable(port, size, tcp)) {
        return port;
      }
    }
    throw new IOException("no free " + (tcp ? "TCP" : "UDP") + " port in 20000-31999");
  }

  private static boolean bindable(int port, int size, boolean tcp) {
    for (int i = 0; i < size; i++) {
      InetSocketAddress at = new InetSocketAddress(host(i), port);
      try (java.io.Closeable s = tcp ? bindTcp(at) : new DatagramSocket(at)) {
        // free on this address
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }

  private static ServerSocket bindTcp(InetSocketAddress at) throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(at);
    return s;
  }
}
