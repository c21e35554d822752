package dev.vipd.daemon.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one aggregated request of the {@link HttpEndpoint}:
 *
 * <ul>
 *   <li>{@code /metrics}: the registry in Prometheus text format 0.0.4, or OpenMetrics 1.0 when the
 *       scraper accepts {@code application/openmetrics-text};
 *   <li>{@code /status}: the JSON document of the status supplier;
 *   <li>{@code /healthz}: {@code 200 ok} when healthy, else {@code 503} with the reason;
 *   <li>any other path: 404; methods other than GET and HEAD: 405 with {@code Allow: GET, HEAD};
 *       malformed or oversized requests: 400/414/431 and the connection is closed.
 * </ul>
 *
 * <p>HEAD gets the headers GET would get (with its {@code Content-Length}) and no body. A supplier
 * that throws gives a 500 and a log line; the connection stays usable.
 */
@Sharable
final class HttpRoutes extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(HttpRoutes.class);

  static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";
  static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8";
  private static final String PLAIN = "text/plain; charset=utf-8";
  private static final String JSON = "application/json; charset=utf-8";

  private final PrometheusMeterRegistry registry;
  private final StatusSource status;
  private final Map<String, Counter> requests = new HashMap<>();
  private final BooleanSupplier healthy;
  private final Supplier<String> unhealthyReason;

  HttpRoutes(
      PrometheusMeterRegistry registry,
      Supplier<String> status,
      BooleanSupplier healthy,
      Supplier<String> unhealthyReason) {
    this(registry, new StatusSource(status, StatusSource.DEFAULT_BOUND), healthy, unhealthyReason);
  }

  HttpRoutes(
      PrometheusMeterRegistry registry,
      StatusSource status,
      BooleanSupplier healthy,
      Supplier<String> unhealthyReason) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.status = Objects.requireNonNull(status, "status");
    for (String path : new String[] {"/metrics", "/status", "/healthz", "other"}) {
      requests.put(path, Counter.builder("vipd.http.requests")
          .description("HTTP requests answered, by path (other: any unknown path)")
          .tag("path", path).register(registry));
    }
    this.healthy = Objects.requireNonNull(healthy, "healthy");
    this.unhealthyReason = Objects.requireNonNull(unhealthyReason, "unhealthyReason");
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    DecoderResult decoded = request.decoderResult();
    if (decoded.isFailure()) {
      HttpResponseStatus code = malformedStatus(decoded.cause());
      FullHttpResponse response = text(code, PLAIN, code.reasonPhrase() + "\n");
      HttpUtil.setContentLength(response, response.content().readableBytes());
      HttpUtil.setKeepAlive(response, false);
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    boolean head = HttpMethod.HEAD.equals(request.method());
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    String path = new QueryStringDecoder(request.uri()).path();
    requests.getOrDefault(path, requests.get("other")).increment();
    if (!head && !HttpMethod.GET.equals(request.method())) {
      FullHttpResponse response =
          text(HttpResponseStatus.METHOD_NOT_ALLOWED, PLAIN, "method not allowed\n");
      response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      send(ctx, response, head, keepAlive);
    } else if ("/status".equals(path)) {
      // Off the event loop (StatusSource): the answer is written when it is ready.
      status.get().whenComplete((body, error) -> ctx.executor().execute(() ->
          send(ctx, statusResponse(body, error), head, keepAlive)));
    } else {
      send(ctx, route(request), head, keepAlive);
    }
  }

  private static void send(
      ChannelHandlerContext ctx, FullHttpResponse response, boolean head, boolean keepAlive) {
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    HttpUtil.setContentLength(response, response.content().readableBytes());
    if (head) {
      response.content().clear();
    }
    HttpUtil.setKeepAlive(response, keepAlive);
    ctx.writeAndFlush(response);
  }

  private FullHttpResponse statusResponse(String body, Throwable error) {
    if (error == null) {
      return text(HttpResponseStatus.OK, JSON, body + "\n");
    }
    Throwable cause = error instanceof CompletionException && error.getCause() != null
        ? error.getCause() : error;
    if (cause instanceof TimeoutException) {
      return text(HttpResponseStatus.SERVICE_UNAVAILABLE, PLAIN, "status not ready within "
          + status.bound().toMillis() + " ms (the cluster view is slow); try again\n");
    }
    log.warn("op=http path=/status error={}", cause.toString(), cause);
    return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, PLAIN, "internal error: " + cause + "\n");
  }

  /** Stops the status thread (endpoint closed). */
  void close() {
    status.close();
  }

  private FullHttpResponse route(FullHttpRequest request) {
    String path = new QueryStringDecoder(request.uri()).path();
    try {
      switch (path) {
        case "/metrics":
          return metrics(request.headers().get(HttpHeaderNames.ACCEPT));
        case "/healthz":
          return healthy.getAsBoolean()
              ? text(HttpResponseStatus.OK, PLAIN, "ok\n")
              : text(HttpResponseStatus.SERVICE_UNAVAILABLE, PLAIN, unhealthyReason.get() + "\n");
        default:
          return text(HttpResponseStatus.NOT_FOUND, PLAIN, "not found: " + path + "\n");
      }
    } catch (RuntimeException e) {
      log.warn("op=http path={} error={}", path, e.toString(), e);
      return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, PLAIN, "internal error: " + e + "\n");
    }
  }

  private FullHttpResponse metrics(String accept) {
    boolean openMetrics = accept != null && accept.contains("application/openmetrics-text");
    String contentType = openMetrics ? OPENMETRICS : TEXT_004;
    return text(HttpResponseStatus.OK, contentType, registry.scrape(contentType));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("op=http remote={} error={}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  private static HttpResponseStatus malformedStatus(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return HttpResponseStatus.REQUEST_URI_TOO_LONG;
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
    }
    if (cause instanceof TooLongFrameException) {
      return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
    }
    return HttpResponseStatus.BAD_REQUEST;
  }

  private static FullHttpResponse text(HttpResponseStatus code, String contentType, String body) {
    ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, code, content);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    return response;
  }
}
