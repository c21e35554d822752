package dev.vipd.daemon.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.daemon.e2e.E2eLab.Node;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A hostile HTTP client against one node's metrics endpoint (issue 9): {@code pipeline_flood.py}
 * from the client pipelines {@code GET /metrics} and {@code GET /status} on 80 connections (more
 * than the endpoint's cap), most never reading, some reading slowly. The flooded node's RSS
 * ({@code VmRSS} of its vipd) stays within {@value #RSS_BOUND_MIB} MiB of what it was before, and
 * meanwhile a failover works: the owner of a VIP (another node) is killed with -9, the VIP moves
 * and the client reaches it on its new owner.
 */
class E2eHttpFloodIT extends E2eLabTest {
  /** Generous (a JVM's heap may grow by tens of MiB in normal work) but far below unbounded. */
  private static final long RSS_BOUND_MIB = 64;
  private static final int FLOOD_SECONDS = 30;

  @Override
  String labName() {
    return "http-flood";
  }

  @Test
  void aPipeliningClientThatNeverReadsKeepsRssBoundedAndFailoverStillWorks() throws Exception {
    Map<String, String> owners = e2e.awaitConverged(Duration.ofSeconds(60));
    String vip = "198.51.100.100";
    InetAddress address = InetAddress.getByName(vip);
    Node owner = e2e.node(owners.get(vip));
    Node flooded = e2e.nodes.values().stream().filter(n -> n != owner).findFirst().orElseThrow();
    long baseline = 0;
    for (int i = 0; i < 5; i++) {
      baseline = Math.max(baseline, rssKib(flooded));
      E2eLab.sleep(400);
    }

    Path script = e2e.dir.resolve("pipeline_flood.py");
    try (InputStream in = getClass().getResourceAsStream("/e2e/pipeline_flood.py")) {
      if (in == null) {
        throw new IllegalStateException("test resource e2e/pipeline_flood.py missing");
      }
      Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Process flood = e2e.spawnLogged(e2e.client.namespace(), e2e.dir.resolve("flood.log"),
        List.of(E2eLab.python(), script.toString(), flooded.address(), "9476",
            Integer.toString(FLOOD_SECONDS), "80"));
    AtomicReference<Long> peak = new AtomicReference<>(0L);
    try {
      e2e.awaitTrue("the flood holds many connections to " + flooded.name,
          Duration.ofSeconds(20), () -> established(flooded) >= 32);
      long floodStart = System.nanoTime();
      sample(flooded, peak, 3_000);

      owner.vipd.destroyForcibly();
      E2eLab.waitFor(owner.vipd, Duration.ofSeconds(10));
      long killed = System.nanoTime();
      AtomicReference<String> reached = new AtomicReference<>();
      e2e.awaitTrue(vip + " reached on a survivor", Duration.ofSeconds(30), () -> {
        sample(flooded, peak, 0);
        String who = Prober.askOnce(e2e.client, address, E2eLab.SERVICE_PORT);
        reached.set(who);
        return who != null && !who.equals(owner.name);
      });
      System.out.printf("E2E http flood: %s reached on %s %d ms after kill -9 of %s while %s was "
          + "flooded%n", vip, reached.get(), (System.nanoTime() - killed) / 1_000_000, owner.name,
          flooded.name);
      assertThat(established(flooded)).as("still flooded after the failover").isGreaterThan(0);
      long left = FLOOD_SECONDS * 1000L - (System.nanoTime() - floodStart) / 1_000_000 - 2_000;
      sample(flooded, peak, Math.max(left, 3_000));
      assertThat(E2eLab.waitFor(flood, Duration.ofSeconds(30))).as("flood ended").isTrue();
    } finally {
      flood.destroyForcibly();
      E2eLab.waitFor(flood, Duration.ofSeconds(5));
    }
    System.out.printf("E2E http flood: %s VmRSS %d MiB before, peak %d MiB during the flood "
        + "(bound: +%d MiB)%n", flooded.name, baseline / 1024, peak.get() / 1024, RSS_BOUND_MIB);
    String report = Files.readString(e2e.dir.resolve("flood.log"));
    System.out.print(report);
    assertThat(report).as("the flood's summary").contains("80 connections");
    assertThat(peak.get()).as("peak VmRSS (KiB) of the flooded vipd")
        .isGreaterThan(0).isLessThanOrEqualTo(baseline + RSS_BOUND_MIB * 1024);
    e2e.awaitTrue(flooded.name + " serves /metrics again after the flood",
        Duration.ofSeconds(30), () -> String.valueOf(flooded.http("/metrics"))
            .contains("vipd_vip_owned"));
  }

  /** Samples the node's VmRSS into {@code peak} every 250 ms for {@code millis} (once if 0). */
  private static void sample(Node n, AtomicReference<Long> peak, long millis) {
    long end = System.nanoTime() + millis * 1_000_000;
    do {
      long rss = rssKib(n);
      peak.accumulateAndGet(rss, Math::max);
      if (millis > 0) {
        E2eLab.sleep(250);
      }
    } while (System.nanoTime() < end);
  }

  private static long rssKib(Node n) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(n.vipd.pid()),
          "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("reading VmRSS of " + n.name, e);
    }
    throw new IllegalStateException("no VmRSS for " + n.name);
  }

  private static int established(Node n) {
    return (int) n.host.exec("ss", "-Htn", "state", "established", "sport", "=", ":9476")
        .output().lines().filter(l -> !l.isBlank()).count();
  }
}
