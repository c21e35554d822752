package dev.vipd.daemon.health;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;

/**
 * Passes when a GET of the check's URL answers with a status in the expected range. Connecting and
 * the whole request are each bounded by the timeout; redirects are not followed (a 302 to a login
 * page is judged as 302); the body is discarded unread.
 */
final class HttpProbe implements Probe {
  private final HealthCheckSpec.Http spec;
  private final HttpClient client;
  private final HttpRequest request;

  HttpProbe(HealthCheckSpec.Http spec) {
    this.spec = spec;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(spec.timing().timeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    this.request =
        HttpRequest.newBuilder(spec.url())
            .GET()
            .timeout(spec.timing().timeout())
            .header("User-Agent", "vipd-health-check")
            .build();
  }

  @Override
  public ProbeResult run() throws InterruptedException {
    int status;
    try {
      status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (HttpTimeoutException e) {
      return ProbeResult.fail("GET " + spec.url() + ": timed out");
    } catch (IOException e) {
      return ProbeResult.fail("GET " + spec.url() + ": " + e);
    }
    String detail = "GET " + spec.url() + ": status " + status;
    boolean expected = status >= spec.expectMin() && status <= spec.expectMax();
    return expected
        ? ProbeResult.pass(detail)
        : ProbeResult.fail(
            detail + " (expected: " + spec.expectMin() + "-" + spec.expectMax() + ")");
  }
}
