package dev.vipd.cluster.it;

import dev.vipd.testlab.Await;
import dev.vipd.testlab.Host;
import dev.vipd.testlab.NetnsLab;
import dev.vipd.testlab.Processes;
import dev.vipd.testlab.Secrets;
import dev.vipd.testlab.Sh;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A lab of cluster members, each a {@link TestNode} JVM in its own network namespace: hosts
 * {@code n1..nN} at 198.51.100.11.. on one bridge (Hazelcast on port 5701, beacons on 5702 of the
 * host's own address), optionally a client {@code c} at 198.51.100.20.
 *
 * <p>Faults: {@code kill -9} and SIGSTOP/SIGCONT by PID ({@link NodeProcess}), link down inside a
 * host's namespace, and partitions with an nftables table {@code vipdtest} inside a host's
 * namespace. {@link #close} stops every JVM by PID and removes the namespaces.
 */
public final class ClusterLab implements AutoCloseable {
  public static final int HAZELCAST_PORT = 5701;
  public static final int BEACON_PORT = 5702;
  public static final Duration STATUS_TIMEOUT = Duration.ofSeconds(5);

  private static final AtomicInteger GENERATION = new AtomicInteger();

  private final NetnsLab lab;
  private final int size;
  private final Map<String, Host> hosts = new LinkedHashMap<>();
  private final List<NodeProcess> processes = new ArrayList<>();
  private final Path dir;
  private final Path secret;
  private final Path logbackConfig;
  private Host client;

  private ClusterLab(NetnsLab lab, int size, Path dir) throws IOException {
    this.lab = lab;
    this.size = size;
    this.dir = dir;
    this.secret = writeSecret("cluster.key");
    this.logbackConfig = dir.resolve("logback-node.xml");
    Files.writeString(logbackConfig, """
        <configuration>
          <appender name="ERR" class="ch.qos.logback.core.ConsoleAppender">
            <target>System.err</target>
            <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n</pattern></encoder>
          </appender>
          <logger name="com.hazelcast" level="INFO"/>
          <root level="INFO"><appender-ref ref="ERR"/></root>
        </configuration>
        """);
  }

  /** Skips unless root with {@code ip}, {@code nft}; builds {@code size} hosts (and a client). */
  public static ClusterLab create(int size, boolean withClient) {
    NetnsLab.assumeAvailable();
    NetnsLab lab = NetnsLab.create(false);
    try {
      Path dir = Files.createDirectories(Path.of("target", "cluster-it",
          ProcessHandle.current().pid() + "-" + GENERATION.incrementAndGet())).toAbsolutePath();
      ClusterLab c = new ClusterLab(lab, size, dir);
      for (int i = 1; i <= size; i++) {
        c.hosts.put("n" + i, lab.host("n" + i, mac(i), address(i) + "/24"));
      }
      if (withClient) {
        c.client = lab.host("c", "02:00:00:00:00:20", "198.51.100.20/24");
      }
      return c;
    } catch (IOException | RuntimeException e) {
      lab.close();
      throw new IllegalStateException("building the cluster lab: " + e.getMessage(), e);
    }
  }

  public static String address(int i) {
    return "198.51.100." + (10 + i);
  }

  public static String mac(int i) {
    return String.format("02:00:00:00:00:%02x", 0x10 + i);
  }

  /** VIPs 198.51.100.100 .. 100+count-1. */
  public static List<InetAddress> vips(int count) {
    List<InetAddress> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(NodeOptions.address("198.51.100." + (100 + i)));
    }
    return out;
  }

  /** Options for node n1 with one pool {@code web} of {@code vips}; see {@link #startAll}. */
  public NodeOptions options(String quorum, String profile, List<InetAddress> vips) {
    List<String> peers = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      peers.add(address(i) + ":" + HAZELCAST_PORT);
    }
    String pool = "web=" + vips.stream().map(InetAddress::getHostAddress)
        .collect(Collectors.joining(","));
    return new NodeOptions("vipd-it", "n1", address(1), HAZELCAST_PORT, peers, BEACON_PORT,
        profile, quorum, size, secret, pool, List.of(), false, Duration.ZERO, null, false);
  }

  public Host host(String name) {
    return hosts.get(name);
  }

  public Host client() {
    return client;
  }

  /** A second secret file, for rogue members. */
  public Path otherSecret() {
    try {
      return writeSecret("rogue.key");
    } catch (IOException e) {
      throw new IllegalStateException("writing rogue secret: " + e.getMessage(), e);
    }
  }

  /**
   * Starts n1..nN one after the other, each once the previous one joined.
   */
  public List<NodeProcess> startAll(NodeOptions base) {
    return startAll(base, size);
  }

  /**
   * Starts n1..n{@code count} as {@link #startAll(NodeOptions)} does, with pools deferred until
   * all joined and see each other, so the VIPs spread over all of them.
   */
  public List<NodeProcess> startAll(NodeOptions base, int count) {
    return startAll(base, count, false);
  }

  /**
   * Starts n1..nN all at the same moment (joiners racing each other, as hosts booted together
   * do), then waits until every one returned from {@code ClusterNode.start}.
   */
  public List<NodeProcess> startAllTogether(NodeOptions base) {
    return startAll(base, size, true);
  }

  private List<NodeProcess> startAll(NodeOptions base, int count, boolean together) {
    long started = System.nanoTime();
    NodeOptions deferred = base.withDeferredPools(true);
    List<NodeProcess> nodes = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      nodes.add(start(deferred.withName("n" + i, address(i))));
      if (!together) {
        awaitJoined(nodes.get(i - 1));
      }
    }
    nodes.forEach(ClusterLab::awaitJoined);
    await("all members verified", Duration.ofSeconds(60), () -> {
      try {
        return statuses(nodes).values().stream()
            .allMatch(s -> nodes.stream().allMatch(n -> s.seesVerified(n.name())));
      } catch (AssertionError slowReply) {
        return false; // asked again until the deadline
      }
    });
    nodes.forEach(n -> n.send("pools"));
    System.out.printf("  %d nodes up %s in %d ms%n", count, together ? "together" : "one by one",
        millisSince(started));
    return nodes;
  }

  /** Starts one node JVM in the namespace of host {@code o.name()}. */
  public NodeProcess start(NodeOptions o) {
    Host host = hosts.get(o.name());
    if (host == null) {
      throw new IllegalArgumentException("no host " + o.name() + " in the lab");
    }
    List<String> argv = new ArrayList<>(List.of(Processes.java(), "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
        "-Dlogback.configurationFile=" + logbackConfig,
        "-Dhazelcast.logging.type=slf4j",
        "-cp", System.getProperty("java.class.path"),
        TestNode.class.getName()));
    argv.addAll(o.toArgs());
    Path log = dir.resolve(o.name() + "-" + GENERATION.incrementAndGet() + ".log");
    Process p = lab.namespaces().spawn(host.namespace(), argv,
        pb -> pb.redirectError(log.toFile()));
    NodeProcess node = new NodeProcess(o, p, log);
    synchronized (processes) {
      processes.add(node);
    }
    return node;
  }

  /** Starts a fresh JVM with the options of {@code old} (which must have exited). */
  public NodeProcess restart(NodeProcess old) {
    if (old.isAlive()) {
      throw new IllegalStateException(old + " is still running");
    }
    NodeProcess fresh = start(old.options().withDeferredPools(false));
    awaitJoined(fresh);
    return fresh;
  }

  public static void awaitJoined(NodeProcess node) {
    await(node + " joined", Duration.ofSeconds(40), () -> {
      if (!node.isAlive()) {
        throw new AssertionError(node + " exited before joining; log: " + node.log());
      }
      return !node.events("joined").isEmpty();
    });
  }

  /** {@code ip link set eth0 down} inside the node's namespace. */
  public void linkDown(NodeProcess node) {
    hosts.get(node.name()).run("ip", "link", "set", "eth0", "down");
  }

  /** Drops all traffic between the node's host and {@code others} (nftables in its namespace). */
  public void partition(NodeProcess node, List<NodeProcess> others) {
    String set = others.stream().map(o -> o.options().bind()).collect(Collectors.joining(", "));
    String rules = "table inet vipdtest {\n"
        + "  chain input { type filter hook input priority 0; policy accept;"
        + " ip saddr { " + set + " } drop; }\n"
        + "  chain output { type filter hook output priority 0; policy accept;"
        + " ip daddr { " + set + " } drop; }\n"
        + "}\n";
    try {
      Path file = dir.resolve("partition-" + node.name() + ".nft");
      Files.writeString(file, rules);
      hosts.get(node.name()).run("nft", "-f", file.toString());
    } catch (IOException e) {
      throw new IllegalStateException("writing nft rules: " + e.getMessage(), e);
    }
  }

  /** Removes the partition rules of {@link #partition}. */
  public void heal(NodeProcess node) {
    hosts.get(node.name()).run("nft", "delete", "table", "inet", "vipdtest");
  }

  /** The status of each node, by name. */
  public static Map<String, StatusLine> statuses(List<NodeProcess> nodes) {
    Map<String, StatusLine> out = new LinkedHashMap<>();
    for (NodeProcess n : nodes) {
      out.put(n.name(), n.status(STATUS_TIMEOUT));
    }
    return out;
  }

  /**
   * Waits until every node in {@code nodes} sees all of them verified and unsuspected, every VIP
   * owned by one of {@code owners}, and the same owner for each VIP in every view.
   */
  public static Map<InetAddress, String> awaitAgreement(
      List<NodeProcess> nodes, Set<String> owners, List<InetAddress> vips, Duration timeout) {
    Map<String, StatusLine> last = new LinkedHashMap<>();
    String what = "agreement of " + nodes + " on owners among " + owners;
    String[] slow = {""};
    await(what, timeout, () -> {
      last.clear();
      try {
        last.putAll(statuses(nodes));
      } catch (AssertionError e) {
        // One slow status reply on a loaded machine: ask again until the deadline.
        slow[0] = "; last slow reply: " + e.getMessage();
        return false;
      }
      return agreed(last, nodes, owners, vips);
    }, () -> last.toString() + slow[0]);
    return last.values().iterator().next().owners();
  }

  private static boolean agreed(Map<String, StatusLine> views, List<NodeProcess> nodes,
      Set<String> owners, List<InetAddress> vips) {
    Map<InetAddress, String> reference = null;
    for (StatusLine view : views.values()) {
      for (NodeProcess n : nodes) {
        if (!view.seesVerified(n.name())) {
          return false;
        }
      }
      Map<InetAddress, String> mine = new LinkedHashMap<>();
      for (InetAddress vip : vips) {
        String owner = view.owners().get(vip);
        if (owner == null || !owners.contains(owner)) {
          return false;
        }
        mine.put(vip, owner);
      }
      if (reference != null && !reference.equals(mine)) {
        return false;
      }
      reference = mine;
    }
    return true;
  }

  /** Polls {@code condition} every 100 ms; fails after {@code timeout}. Prints the time taken. */
  public static long await(String what, Duration timeout, BooleanSupplier condition) {
    return await(what, timeout, condition, () -> "");
  }

  public static long await(String what, Duration timeout, BooleanSupplier condition,
      Supplier<String> state) {
    long ms = Await.until(what, timeout, condition, () -> "; " + state.get());
    System.out.printf("  %s after %d ms%n", what, ms);
    return ms;
  }

  public static void sleep(long millis) {
    Await.sleep(millis);
  }

  public static long millisSince(long nanoStart) {
    return Await.millisSince(nanoStart);
  }

  public Path directory() {
    return dir;
  }

  @Override
  public void close() {
    synchronized (processes) {
      processes.forEach(NodeProcess::close);
      processes.clear();
    }
    lab.close();
  }

  private Path writeSecret(String fileName) throws IOException {
    return Secrets.writeHexKey(dir.resolve(fileName));
  }

  static boolean hasNft() {
    return Sh.hasCommand("nft");
  }
}
