package dev.vipd.bench;

import dev.vipd.cluster.election.Election;
import dev.vipd.cluster.election.ElectionInput;
import dev.vipd.cluster.election.ElectionResult;
import dev.vipd.cluster.election.Node;
import dev.vipd.cluster.election.Ownership;
import dev.vipd.cluster.election.Pool;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * One full election of 10,000 VIPs (10 pools of 1,000 addresses in 2001:db8::/32) over 100 members,
 * the size the election must handle well under 10 ms:
 *
 * <ul>
 *   <li>{@code fromEmptyState}: nobody owns anything yet (cluster start), every VIP is placed;
 *   <li>{@code afterMemberLoss}: the balanced state minus one member that owned 100 VIPs, which are
 *       placed again while 9,900 stay;
 *   <li>{@code steadyState}: the balanced state re-elected with nothing changed (what every
 *       membership event that moves nothing costs): the reference the other two are read against.
 * </ul>
 *
 * <p>Run (from the repository root):
 *
 * <pre>
 * ./mvnw -B -q -o -pl cluster,bench -am package dependency:build-classpath \
 *     -Dmdep.outputFile=target/classpath.txt -DskipTests
 * java -cp bench/target/classes:$(cat bench/target/classpath.txt) \
 *     dev.vipd.bench.ElectionBenchmark -wi 2 -i 3 -f 1
 * </pre>
 *
 * <p>{@link #main} takes JMH's usual options, runs the three cases and prints each one's ratio to
 * {@code steadyState}. ({@code dependency:build-classpath} needs the network once, to fetch the
 * plugin; {@code -o} works afterwards.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ElectionBenchmark {
  static final int MEMBERS = 100;
  static final int POOLS = 10;
  static final int VIPS_PER_POOL = 1_000;

  private ElectionInput fromEmpty;
  private ElectionInput afterLoss;
  private ElectionInput steady;

  @Setup
  public void setUp() {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < MEMBERS; i++) {
      nodes.add(Node.healthy(String.format("node-%03d", i)));
    }
    List<Pool> pools = new ArrayList<>();
    for (int p = 0; p < POOLS; p++) {
      List<InetAddress> vips = new ArrayList<>();
      for (int i = 0; i < VIPS_PER_POOL; i++) {
        vips.add(vip(p, i));
      }
      pools.add(Pool.of("pool-" + p, vips));
    }
    fromEmpty = ElectionInput.of(nodes, pools, Map.of(), 0);
    Map<InetAddress, Ownership> balanced = Election.elect(fromEmpty).owners();
    steady = ElectionInput.of(nodes, pools, balanced, 0);

    String lost = nodes.get(MEMBERS / 2).name();
    long owned = balanced.values().stream().filter(o -> o.node().equals(lost)).count();
    if (owned != POOLS * VIPS_PER_POOL / MEMBERS) {
      throw new IllegalStateException(lost + " owns " + owned + " VIPs; expected a balanced start");
    }
    List<Node> survivors = nodes.stream().filter(n -> !n.name().equals(lost)).toList();
    afterLoss = ElectionInput.of(survivors, pools, balanced, 0);
  }

  @Benchmark
  public ElectionResult fromEmptyState() {
    return Election.elect(fromEmpty);
  }

  @Benchmark
  public ElectionResult afterMemberLoss() {
    return Election.elect(afterLoss);
  }

  @Benchmark
  public ElectionResult steadyState() {
    return Election.elect(steady);
  }

  /** Runs the benchmark with JMH's command-line options and prints ratios to the steady state. */
  public static void main(String[] args) throws Exception {
    Options options =
        new OptionsBuilder()
            .parent(new CommandLineOptions(args))
            .include(ElectionBenchmark.class.getName())
            .build();
    Map<String, Double> scores = new TreeMap<>();
    for (RunResult result : new Runner(options).run()) {
      String name = result.getParams().getBenchmark();
      scores.put(name.substring(name.lastIndexOf('.') + 1), result.getPrimaryResult().getScore());
    }
    Double steady = scores.get("steadyState");
    scores.forEach(
        (name, score) ->
            System.out.printf(
                "%-16s %8.3f ms/op  %5.2fx steadyState%n",
                name, score, steady == null ? Double.NaN : score / steady));
  }

  /** {@code 2001:db8:0:<pool>::<index>}, built from bytes so that no name lookup can happen. */
  private static InetAddress vip(int pool, int index) {
    byte[] bytes = new byte[16];
    bytes[0] = 0x20;
    bytes[1] = 0x01;
    bytes[2] = 0x0d;
    bytes[3] = (byte) 0xb8;
    bytes[6] = (byte) (pool >> 8);
    bytes[7] = (byte) pool;
    bytes[14] = (byte) (index >> 8);
    bytes[15] = (byte) index;
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("16 bytes are always a valid address", e);
    }
  }
}
