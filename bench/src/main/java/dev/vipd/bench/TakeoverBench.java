package dev.vipd.bench;

import dev.vipd.testlab.Host;
import dev.vipd.testlab.NetnsLab;
import dev.vipd.testlab.Processes;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Takeover time after a silent death: three {@link TakeoverNode} JVMs, each in its own network
 * namespace, quorum {@code none}; the owner of 198.51.100.100 is stopped with SIGSTOP (no RST, no
 * goodbye: what a powered-off host looks like) and the time from the signal to a survivor's
 * {@code acquired} event is measured, over {@code repeats} runs per failure-detection profile.
 * The peer in the same run is Hazelcast's own membership ({@code hazelcast-only}: beacons too
 * slow to matter, so the takeover waits for the heartbeat timeout, reason {@code member-lost}).
 * Times are wall-clock milliseconds from the bench and the node JVMs on one host, so one clock.
 * After each run the stopped JVM is killed and a fresh one started (it takes nothing back).
 * Not a test; goals: median <= 800 ms ({@code default}), <= 300 ms ({@code fast}).
 *
 * <pre>
 * ./mvnw -B -q -DskipTests -pl bench -am package
 * java -cp bench/target/benchmarks.jar dev.vipd.bench.TakeoverBench [repeats=10] [profiles=default,fast,hazelcast-only]
 * </pre>
 *
 * Needs root (network namespaces). Node logs are kept in a temporary directory it prints.
 */
public final class TakeoverBench {
  static final int HAZELCAST_PORT = 5701;
  static final int BEACON_PORT = 5702;
  private static final int SIZE = 3;
  private static final List<String> VIPS = List.of("198.51.100.100", "198.51.100.101",
      "198.51.100.102", "198.51.100.103", "198.51.100.104", "198.51.100.105");
  private static final String WATCHED = VIPS.get(0);

  private final Path dir;
  private final Path secret;
  private final Path logback;

  private TakeoverBench(Path dir) throws IOException {
    this.dir = dir;
    this.secret = dir.resolve("cluster.key");
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Files.createFile(secret,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(secret, HexFormat.of().formatHex(key) + "\n");
    this.logback = dir.resolve("logback.xml");
    Files.writeString(logback, "<configuration><appender name=\"E\""
        + " class=\"ch.qos.logback.core.ConsoleAppender\"><target>System.err</target><encoder>"
        + "<pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n</pattern></encoder>"
        + "</appender><root level=\"INFO\"><appender-ref ref=\"E\"/></root></configuration>");
  }

  public static void main(String[] args) throws Exception {
    int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    List<String> profiles = List.of((args.length > 1 ? args[1] : "default,fast,hazelcast-only")
        .split(","));
    if (!"root".equals(System.getProperty("user.name"))) {
      System.err.println("TakeoverBench needs root (network namespaces)");
      System.exit(2);
    }
    Path dir = Files.createTempDirectory("vipd-takeover-");
    System.out.println("node logs: " + dir);
    TakeoverBench bench = new TakeoverBench(dir);
    Map<String, List<Long>> results = new LinkedHashMap<>();
    for (String profile : profiles) {
      results.put(profile, bench.measure(profile, repeats));
    }
    long peer = results.containsKey("hazelcast-only") ? median(results.get("hazelcast-only")) : 0;
    System.out.println();
    System.out.printf("%-15s %4s %8s %8s %8s %s%n", "profile", "n", "median", "p90", "max",
        peer > 0 ? "median / hazelcast-only" : "");
    for (Map.Entry<String, List<Long>> e : results.entrySet()) {
      List<Long> s = e.getValue();
      System.out.printf("%-15s %4d %6d ms %5d ms %5d ms %s%n", e.getKey(), s.size(), median(s),
          percentile(s, 90), max(s), peer > 0 ? String.format("%.2f", median(s) / (double) peer)
              : "");
    }
    System.out.println("goals: median <= 800 ms (default), <= 300 ms (fast)");
    System.exit(0);
  }

  /** {@code repeats} SIGSTOP takeovers in a fresh three-node lab with {@code profile}. */
  private List<Long> measure(String profile, int repeats) throws Exception {
    System.out.printf("%nprofile %s%n", profile);
    List<Long> samples = new ArrayList<>();
    Map<String, Member> members = new LinkedHashMap<>();
    try (NetnsLab lab = NetnsLab.create(false)) {
      Map<String, Host> hosts = new LinkedHashMap<>();
      for (int i = 1; i <= SIZE; i++) {
        hosts.put("n" + i, lab.host("n" + i, String.format("02:00:00:00:00:%02x", 0x10 + i),
            address(i) + "/24"));
      }
      for (String name : hosts.keySet()) {
        members.put(name, start(hosts.get(name), name, profile));
        if (name.equals("n1")) {
          members.get(name).awaitJoined();
        }
      }
      members.values().forEach(Member::awaitJoined);
      await("every VIP owned", Duration.ofSeconds(30), () -> VIPS.stream()
          .allMatch(v -> members.values().stream().filter(m -> m.holds(v)).count() == 1));
      Thread.sleep(1500);
      for (int run = 1; run <= repeats; run++) {
        Member victim = members.values().stream().filter(m -> m.holds(WATCHED)).findFirst()
            .orElseThrow(() -> new IllegalStateException("nobody owns " + WATCHED));
        long stoppedAt = System.currentTimeMillis();
        Processes.signal(victim.process.pid(), "STOP");
        String[] taken = new String[1];
        await("takeover of " + WATCHED, Duration.ofSeconds(60), () -> {
          for (Member m : members.values()) {
            if (m != victim) {
              for (String[] e : m.events) {
                if (e[3].equals("acquired") && e[4].equals(WATCHED)
                    && Long.parseLong(e[2]) >= stoppedAt) {
                  taken[0] = m.name + " " + e[2] + " " + e[6];
                  return true;
                }
              }
            }
          }
          return false;
        });
        String[] f = taken[0].split(" ");
        long ms = Long.parseLong(f[1]) - stoppedAt;
        samples.add(ms);
        System.out.printf("  run %2d: %s stopped, %s acquired after %4d ms (%s)%n", run,
            victim.name, f[0], ms, f[2]);
        victim.close();
        Member fresh = start(hosts.get(victim.name), victim.name, profile);
        members.put(victim.name, fresh);
        fresh.awaitJoined();
        Thread.sleep(1500); // beacons from the fresh JVM clear any suspicion of that name
      }
    } finally {
      members.values().forEach(Member::close);
    }
    return samples;
  }

  private Member start(Host host, String name, String profile) throws IOException {
    List<String> peers = new ArrayList<>();
    for (int i = 1; i <= SIZE; i++) {
      peers.add(address(i));
    }
    List<String> argv = List.of("ip", "netns", "exec", host.namespace(),
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dlogback.configurationFile=" + logback, "-Dhazelcast.logging.type=slf4j",
        "-cp", System.getProperty("java.class.path"), TakeoverNode.class.getName(),
        name, address(Integer.parseInt(name.substring(1))), String.join(",", peers), profile,
        secret.toString(), String.join(",", VIPS));
    Path log = Files.createTempFile(dir, name + "-" + profile + "-", ".log");
    Process p = new ProcessBuilder(argv).redirectError(log.toFile()).start();
    return new Member(name, p, log);
  }

  private static String address(int i) {
    return "198.51.100." + (10 + i);
  }

  private static void await(String what, Duration timeout, BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(5);
    }
  }

  static long median(List<Long> samples) {
    return percentile(samples, 50);
  }

  /** Nearest-rank percentile. */
  static long percentile(List<Long> samples, int p) {
    List<Long> sorted = samples.stream().sorted().toList();
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  static long max(List<Long> samples) {
    return samples.stream().mapToLong(Long::longValue).max().orElse(0);
  }

  /** A node JVM: its parsed {@code EVENT} lines; stopped by PID. */
  private static final class Member implements AutoCloseable {
    final String name;
    final Process process;
    final Path log;
    final List<String[]> events = new CopyOnWriteArrayList<>();

    Member(String name, Process process, Path log) {
      this.name = name;
      this.process = process;
      this.log = log;
      Thread reader = new Thread(this::read, "events-" + name);
      reader.setDaemon(true);
      reader.start();
    }

    boolean holds(String vip) {
      String last = null;
      for (String[] e : events) {
        if (e[4].equals(vip)) {
          last = e[3];
        }
      }
      return "acquired".equals(last);
    }

    void awaitJoined() {
      try {
        await(name + " joined", Duration.ofSeconds(60), () -> {
          if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited; log: " + log);
          }
          return events.stream().anyMatch(e -> e[3].equals("joined"));
        });
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }

    private void read() {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          String[] f = line.split(" ");
          if (f.length == 7 && f[0].equals("EVENT")) {
            events.add(f);
          }
        }
      } catch (IOException e) {
        // the node is gone
      }
    }

    /** SIGKILL by PID (ends a stopped JVM too). */
    @Override
    public void close() {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
