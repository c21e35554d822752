package dev.vipd.daemon.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The monitor with real threads, probes and local servers; bounds are generous on purpose. */
class HealthMonitorLiveTest {
  private static final Duration WAIT = Duration.ofSeconds(15);

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final ExecutorService probeExecutor = HealthMonitor.newProbeExecutor(2, 16);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final HealthMonitor monitor =
      new HealthMonitor(
          scheduler,
          probeExecutor,
          ProbeFactory.standard(Unprivileged.detect()),
          registry,
          (check, up) -> events.add(check + ":" + (up ? "UP" : "DOWN")));

  @AfterEach
  void stop() {
    monitor.close();
    scheduler.shutdownNow();
    probeExecutor.shutdownNow();
  }

  @Test
  void tcpCheckGoesUpWhileListeningAndDownAfterTheSocketCloses() throws Exception {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    HealthCheckSpec.Timing timing =
        new HealthCheckSpec.Timing(Duration.ofMillis(100), Duration.ofMillis(90), 2, 2);
    monitor.start(
        List.of(new HealthCheckSpec.Tcp("db", "127.0.0.1", server.getLocalPort(), timing)));
    try {
      await().atMost(WAIT).until(() -> monitor.isUp("db"));
      assertThat(registry.get("vipd.health.check.up").tag("check", "db").gauge().value())
          .isEqualTo(1.0);
    } finally {
      server.close();
    }
    await().atMost(WAIT).until(() -> !monitor.isUp("db"));
    assertThat(events).containsExactly("db:UP", "db:DOWN");
    assertThat(registry.get("vipd.health.check.up").tag("check", "db").gauge().value()).isZero();
  }

  @Test
  void httpCheckFollowsTheStatus() throws Exception {
    AtomicInteger status = new AtomicInteger(200);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/healthz",
        exchange -> {
          exchange.sendResponseHeaders(status.get(), -1);
          exchange.close();
        });
    server.start();
    try {
      URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/healthz");
      HealthCheckSpec.Timing timing =
          new HealthCheckSpec.Timing(Duration.ofMillis(200), Duration.ofMillis(190), 2, 2);
      monitor.start(List.of(new HealthCheckSpec.Http("web", url, timing)));
      await().atMost(WAIT).until(() -> monitor.isUp("web"));
      status.set(503);
      await().atMost(WAIT).until(() -> !monitor.isUp("web"));
      status.set(204);
      await().atMost(WAIT).until(() -> monitor.isUp("web"));
      assertThat(events).containsExactly("web:UP", "web:DOWN", "web:UP");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void execCheckThatHangsIsKilledAndCountsAsDown() throws Exception {
    HealthCheckSpec.Timing timing =
        new HealthCheckSpec.Timing(Duration.ofMillis(400), Duration.ofMillis(200), 1, 1);
    monitor.start(
        List.of(
            new HealthCheckSpec.Exec("ok", List.of("true"), timing),
            new HealthCheckSpec.Exec("bad", List.of("false"), timing),
            new HealthCheckSpec.Exec("hung", List.of("sleep", "5"), timing)));
    await().atMost(WAIT).until(() -> monitor.isUp("ok"));
    // With rise = 1, one pass would be enough: over several intervals neither goes UP.
    await()
        .during(Duration.ofSeconds(2))
        .atMost(WAIT)
        .until(() -> !monitor.isUp("bad") && !monitor.isUp("hung"));
    assertThat(events).containsExactly("ok:UP");
  }
}
