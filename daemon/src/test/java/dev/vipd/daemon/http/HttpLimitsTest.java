package dev.vipd.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vipd.daemon.metrics.VipdMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The endpoint's limits: pipelining, connections, a slow /status. */
class HttpLimitsTest {
  private final VipdMetrics metrics = new VipdMetrics("9.9.9");
  private final AtomicInteger statusCalls = new AtomicInteger();
  private final CountDownLatch statusMayReturn = new CountDownLatch(1);
  private HttpEndpoint endpoint;

  @AfterEach
  void stop() {
    statusMayReturn.countDown();
    if (endpoint != null) {
      endpoint.close();
    }
    metrics.close();
  }

  private void start(int maxConnections, Duration statusBound, boolean slowStatus)
      throws IOException {
    StatusSource status = new StatusSource(() -> {
      statusCalls.incrementAndGet();
      if (slowStatus) {
        try {
          statusMayReturn.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return "{\"node\":\"a\"}";
    }, statusBound);
    HttpRoutes routes = new HttpRoutes(metrics.registry(), status, () -> true, () -> "");
    endpoint = new HttpEndpoint(new InetSocketAddress("127.0.0.1", 0), routes,
        Duration.ofSeconds(30), maxConnections, metrics.registry());
    endpoint.start();
  }

  @Test
  void aClientThatPipelinesThousandsOfScrapesAndNeverReadsStallsOnlyItself() throws Exception {
    start(HttpEndpoint.MAX_CONNECTIONS, StatusSource.DEFAULT_BOUND, false);
    int sent = 5000;
    try (Socket greedy = new Socket()) {
      greedy.setReceiveBufferSize(4096); // never read: the kernel buffers fill fast
      greedy.connect(endpoint.localAddress(), 2000);
      byte[] request = "GET /metrics HTTP/1.1\r\nHost: greedy\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII);
      Thread writer = new Thread(() -> {
        try {
          OutputStream out = greedy.getOutputStream();
          for (int i = 0; i < sent; i++) {
            out.write(request);
          }
          out.flush();
        } catch (IOException e) {
          // closed at the end of the test while blocked: expected
        }
      });
      writer.setDaemon(true);
      writer.start();

      double answered = awaitStable("/metrics");
      System.out.printf("pipelined %d GET /metrics, never read: %.0f answered before the "
          + "connection stalled%n", sent, answered);
      assertThat(answered).as("answers stop when the client stops reading").isLessThan(sent / 5);

      try (RawHttp other = new RawHttp(endpoint.localAddress())) {
        long start = System.nanoTime();
        assertThat(other.request("GET", "/healthz").code()).isEqualTo(200);
        assertThat(other.request("GET", "/metrics").code()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
      }
      assertThat(requests("/metrics")).as("the greedy connection stays stalled")
          .isEqualTo(answered + 1);
    }
  }

  @Test
  void connectionsBeyondTheCapAreClosedAtOnceAndAFreedSlotIsUsable() throws Exception {
    start(4, StatusSource.DEFAULT_BOUND, false);
    List<RawHttp> open = new ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) {
        RawHttp c = new RawHttp(endpoint.localAddress());
        open.add(c);
        assertThat(c.request("GET", "/healthz").code()).isEqualTo(200);
      }
      try (RawHttp extra = new RawHttp(endpoint.localAddress())) {
        assertThat(extra.closedByServer()).isTrue();
      }
      assertThat(metrics.registry().get("vipd.http.connections.refused").counter().count())
          .isEqualTo(1.0);

      open.remove(0).close();
      await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> {
        try (RawHttp again = new RawHttp(endpoint.localAddress())) {
          return again.request("GET", "/healthz").code() == 200;
        }
      });
    } finally {
      for (RawHttp c : open) {
        c.close();
      }
    }
  }

  @Test
  void aSlowStatusNeverDelaysHealthzAndAnswers503AfterItsBound() throws Exception {
    start(HttpEndpoint.MAX_CONNECTIONS, Duration.ofMillis(500), true);
    try (RawHttp statusClient = new RawHttp(endpoint.localAddress());
        RawHttp healthClient = new RawHttp(endpoint.localAddress());
        RawHttp second = new RawHttp(endpoint.localAddress())) {
      long start = System.nanoTime();
      statusClient.send("GET /status HTTP/1.1\r\nHost: t\r\n\r\n");
      second.send("GET /status HTTP/1.1\r\nHost: t\r\n\r\n");

      RawHttp.Response health = healthClient.request("GET", "/healthz");
      Duration healthTook = Duration.ofNanos(System.nanoTime() - start);
      RawHttp.Response status = statusClient.read(false);
      Duration statusTook = Duration.ofNanos(System.nanoTime() - start);
      assertThat(second.read(false).code()).isEqualTo(503);

      System.out.printf("slow /status: /healthz in %d ms, /status 503 after %d ms%n",
          healthTook.toMillis(), statusTook.toMillis());
      assertThat(health.code()).isEqualTo(200);
      assertThat(healthTook).as("/healthz answered before the slow /status gave up")
          .isLessThan(statusTook);
      assertThat(status.code()).isEqualTo(503);
      assertThat(status.body()).contains("status not ready within 500 ms");
      assertThat(statusTook).isGreaterThanOrEqualTo(Duration.ofMillis(450));
      assertThat(statusCalls.get()).as("concurrent requests share one computation").isEqualTo(1);

      statusMayReturn.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() ->
          statusClient.request("GET", "/status").code() == 200);
    }
  }

  /** Waits until the count of answered requests on {@code path} stops moving, and returns it. */
  private double awaitStable(String path) throws InterruptedException {
    double last = -1;
    for (int i = 0; i < 100; i++) {
      Thread.sleep(300);
      double now = requests(path);
      if (now > 0 && now == last) {
        Thread.sleep(1000);
        if (requests(path) == now) {
          return now;
        }
      }
      last = now;
    }
    throw new AssertionError("answers to " + path + " never stopped: " + last);
  }

  private double requests(String path) {
    return metrics.registry().get("vipd.http.requests").tag("path", path).counter().count();
  }
}
