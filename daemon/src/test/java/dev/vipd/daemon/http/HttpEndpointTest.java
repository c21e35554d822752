package dev.vipd.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vipd.daemon.metrics.VipdMetrics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpEndpointTest {
  private final VipdMetrics metrics = new VipdMetrics("9.9.9");
  private final AtomicBoolean healthy = new AtomicBoolean(true);
  private HttpEndpoint endpoint;

  @BeforeEach
  void start() throws Exception {
    metrics.setConfiguredVips(Map.of("web", List.of(InetAddress.getByName("2001:db8::100"))));
    endpoint = endpoint(Duration.ofSeconds(30));
    endpoint.start();
  }

  @AfterEach
  void stop() {
    endpoint.close();
    metrics.close();
  }

  private HttpEndpoint endpoint(Duration idle) {
    HttpRoutes routes =
        new HttpRoutes(
            metrics.registry(),
            () -> "{\"node\":\"a\"}",
            healthy::get,
            () -> "cluster quorum lost");
    return new HttpEndpoint(new InetSocketAddress("127.0.0.1", 0), routes, idle);
  }

  @Test
  void metricsAreServedInPrometheusTextFormat() throws Exception {
    try (RawHttp http = new RawHttp(endpoint.localAddress())) {
      RawHttp.Response r = http.request("GET", "/metrics");

      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("content-type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
      assertThat(r.body().lines())
          .contains(
              "vipd_vip_owned{pool=\"web\",vip=\"2001:db8::100\"} 0.0",
              "vipd_build_info{version=\"9.9.9\"} 1")
          .anyMatch(l -> l.startsWith("jvm_memory_used_bytes{"));
    }
  }

  @Test
  void openMetricsIsServedWhenAccepted() throws Exception {
    try (RawHttp http = new RawHttp(endpoint.localAddress())) {
      RawHttp.Response r =
          http.request(
              "GET",
              "/metrics",
              "Accept: application/openmetrics-text;version=1.0.0;q=0.5,text/plain;q=0.4");

      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("content-type")).startsWith("application/openmetrics-text");
      assertThat(r.body()).endsWith("# EOF\n").contains("# TYPE vipd_build info");
    }
  }

  @Test
  void statusIsTheSuppliedJson() throws Exception {
    try (RawHttp http = new RawHttp(endpoint.localAddress())) {
      RawHttp.Response r = http.request("GET", "/status?pretty");

      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("content-type")).startsWith("application/json");
      assertThat(r.body()).isEqualTo("{\"node\":\"a\"}\n");
    }
  }

  @Test
  void healthzFollowsTheHealthSupplier() throws Exception {
    try (RawHttp http = new RawHttp(endpoint.localAddress())) {
      RawHttp.Response up = http.request("GET", "/healthz");
      healthy.set(false);
      RawHttp.Response down = http.request("GET", "/healthz");

      assertThat(up.code()).isEqualTo(200);
      assertThat(up.body()).isEqualTo("ok\n");
      assertThat(down.code()).isEqualTo(503);
      assertThat(down.body()).isEqualTo("cluster quorum lost\n");
    }
  }

  @Test
  void unknownPathsAre404AndWritesAre405WithAllow() throws Exception {
    try (RawHttp http = new RawHttp(endpoint.localAddress())) {
      RawHttp.Response missing = http.request("GET", "/admin");
      RawHttp.Response post = http.request("POST", "/metrics", "Content-Length: 0");
      RawHttp.Response delete = http.request("DELETE", "/status");

      assertThat(missing.code()).isEqualTo(404);
      assertThat(post.code()).isEqualTo(405);
      assertThat(post.header("allow")).isEqualTo("GET, HEAD");
      assertThat(delete.code()).isEqualTo(405);
    }
  }

  @Test
  void headGivesTheHeadersOfGetWithoutBody() throws Exception {
    try (RawHttp http = new RawHttp(endpoint.localAddress())) {
      RawHttp.Response head = http.request("HEAD", "/status");
      RawHttp.Response get = http.request("GET", "/status");

      assertThat(head.code()).isEqualTo(200);
      assertThat(head.header("content-length")).isEqualTo("13");
      assertThat(head.body()).isEmpty();
      // The GET on the same connection is read correctly only if HEAD sent no body bytes.
      assertThat(get.body()).isEqualTo("{\"node\":\"a\"}\n");
    }
  }

  @Test
  void keepAliveServesSeveralRequestsOnOneConnection() throws Exception {
    try (RawHttp http = new RawHttp(endpoint.localAddress())) {
      for (int i = 0; i < 3; i++) {
        assertThat(http.request("GET", "/healthz").code()).isEqualTo(200);
      }
      RawHttp.Response last = http.request("GET", "/healthz", "Connection: close");

      assertThat(last.header("connection")).isEqualTo("close");
      assertThat(http.closedByServer()).isTrue();
    }
  }

  @Test
  void oversizedBodyIs413() throws Exception {
    try (RawHttp http = new RawHttp(endpoint.localAddress())) {
      http.send("GET /status HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n");
      RawHttp.Response r = http.read(false);

      assertThat(r.code()).isEqualTo(413);
    }
  }

  @Test
  void oversizedHeadersAreRefusedAndTheConnectionClosed() throws Exception {
    try (RawHttp http = new RawHttp(endpoint.localAddress())) {
      http.send("GET /status HTTP/1.1\r\nHost: t\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");
      RawHttp.Response r = http.read(false);

      assertThat(r.code()).isEqualTo(431);
      assertThat(http.closedByServer()).isTrue();
    }
  }

  @Test
  void garbageIs400() throws Exception {
    try (RawHttp http = new RawHttp(endpoint.localAddress())) {
      http.send("HELLO\r\n\r\n");
      RawHttp.Response r = http.read(false);

      assertThat(r.code()).isEqualTo(400);
    }
  }

  @Test
  void idleConnectionsAreClosed() throws Exception {
    endpoint.close();
    endpoint = endpoint(Duration.ofMillis(200));
    endpoint.start();
    try (RawHttp http = new RawHttp(endpoint.localAddress())) {
      assertThat(http.request("GET", "/healthz").code()).isEqualTo(200);
      long start = System.nanoTime();

      assertThat(http.closedByServer()).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
    }
  }

  @Test
  void failingSupplierGives500AndTheConnectionStaysUsable() throws Exception {
    endpoint.close();
    HttpRoutes routes =
        new HttpRoutes(
            metrics.registry(),
            () -> {
              throw new IllegalStateException("status not ready");
            },
            () -> true,
            () -> "");
    endpoint =
        new HttpEndpoint(new InetSocketAddress("127.0.0.1", 0), routes, Duration.ofSeconds(5));
    endpoint.start();
    try (RawHttp http = new RawHttp(endpoint.localAddress())) {
      RawHttp.Response r = http.request("GET", "/status");

      assertThat(r.code()).isEqualTo(500);
      assertThat(r.body()).contains("status not ready");
      assertThat(http.request("GET", "/healthz").code()).isEqualTo(200);
    }
  }

  @Test
  void closeReleasesThePortAtOnce() throws Exception {
    int port = endpoint.localAddress().getPort();
    endpoint.close();

    try (ServerSocket again = new ServerSocket()) {
      again.bind(new InetSocketAddress("127.0.0.1", port));
      assertThat(again.getLocalPort()).isEqualTo(port);
    }
  }

  @Test
  void bindingAPortInUseFailsWithContext() throws Exception {
    InetSocketAddress taken = endpoint.localAddress();
    HttpEndpoint second =
        new HttpEndpoint(taken, metrics.registry(), () -> "{}", () -> true, () -> "");

    assertThatThrownBy(second::start)
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("binding the HTTP endpoint to 127.0.0.1:" + taken.getPort() + ": ");
    second.close();
  }
}
