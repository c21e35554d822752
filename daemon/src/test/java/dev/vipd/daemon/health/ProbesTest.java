package dev.vipd.daemon.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Each probe against a real local target, once per call. */
class ProbesTest {
  private static final HealthCheckSpec.Timing TIMING =
      new HealthCheckSpec.Timing(Duration.ofSeconds(3), Duration.ofMillis(2000), 1, 1);
  private static final ProbeFactory PROBES = ProbeFactory.standard(Unprivileged.detect());

  @Test
  void tcpPassesWhileSomethingListensAndFailsOnceItIsClosed() throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    int port;
    Probe probe;
    try (ServerSocket server = new ServerSocket(0, 10, loopback)) {
      port = server.getLocalPort();
      probe = PROBES.create(new HealthCheckSpec.Tcp("tcp", "127.0.0.1", port, TIMING));
      ProbeResult result = probe.run();
      assertThat(result.passed()).as(result.detail()).isTrue();
    }
    ProbeResult closed = probe.run();
    assertThat(closed.passed()).isFalse();
    assertThat(closed.detail()).contains("127.0.0.1 port " + port);
  }

  @Test
  void httpJudgesTheStatusAndDoesNotFollowRedirects() throws Exception {
    AtomicInteger status = new AtomicInteger(200);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.getResponseHeaders().add("Location", "/elsewhere");
          byte[] body = "checked\n".getBytes();
          exchange.sendResponseHeaders(status.get(), body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/healthz");
      Probe probe = PROBES.create(new HealthCheckSpec.Http("http", url, TIMING));
      assertThat(probe.run()).isEqualTo(ProbeResult.pass("GET " + url + ": status 200"));
      status.set(503);
      assertThat(probe.run())
          .isEqualTo(ProbeResult.fail("GET " + url + ": status 503 (expected: 200-399)"));
      status.set(302);
      assertThat(probe.run().passed()).as("a redirect is judged by its own status").isTrue();
      Probe strict = PROBES.create(new HealthCheckSpec.Http("http", url, 200, 299, TIMING));
      assertThat(strict.run().passed()).as("302 with expect 200-299").isFalse();
    } finally {
      server.stop(0);
    }
  }

  @Test
  void execPassesOnExitZeroOnly() throws Exception {
    assertThat(exec("true").run().passed()).isTrue();
    ProbeResult fail = exec("sh", "-c", "echo not ready; exit 3").run();
    assertThat(fail.passed()).isFalse();
    assertThat(fail.detail()).isEqualTo("exit 3, output: not ready");
    assertThat(exec("false").run().passed()).isFalse();
  }

  @Test
  void execThatOverrunsItsTimeoutFailsAndReturnsEarly() throws Exception {
    HealthCheckSpec.Timing shortTimeout =
        new HealthCheckSpec.Timing(Duration.ofSeconds(1), Duration.ofMillis(300), 1, 1);
    Probe probe =
        PROBES.create(new HealthCheckSpec.Exec("slow", List.of("sleep", "5"), shortTimeout));
    long start = System.nanoTime();
    ProbeResult result = probe.run();
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(result.passed()).isFalse();
    assertThat(result.detail()).startsWith("timed out after");
    assertThat(took).isLessThan(Duration.ofSeconds(4));
  }

  @Test
  void execOfAMissingProgramFails() throws Exception {
    ProbeResult result = exec("/nonexistent/vipd-check").run();
    assertThat(result.passed()).isFalse();
    assertThat(result.detail()).contains("nonexistent");
  }

  private static Probe exec(String... argv) {
    return PROBES.create(new HealthCheckSpec.Exec("exec", List.of(argv), TIMING));
  }
}
