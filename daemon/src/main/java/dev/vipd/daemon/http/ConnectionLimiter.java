package dev.vipd.daemon.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the connections the endpoint keeps open: one beyond {@code max} is closed as soon as it is
 * accepted (counted in {@code vipd_http_connections_refused_total}), so a client that opens
 * connections in a loop costs vipd a file descriptor for a moment, not memory. Shared by every
 * connection of one endpoint.
 */
@Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private final Counter refused;

  ConnectionLimiter(int max, MeterRegistry registry) {
    if (max < 1) {
      throw new IllegalArgumentException("invalid connection cap: " + max + " (expected: >= 1)");
    }
    this.max = max;
    this.refused = Counter.builder("vipd.http.connections.refused")
        .description("HTTP connections closed at once because the connection cap was reached")
        .register(registry);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    if (open.incrementAndGet() > max) {
      refused.increment();
      ctx.close();
      return;
    }
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    open.decrementAndGet();
    super.channelInactive(ctx);
  }

  /** Connections open now, refused ones included until they are closed. */
  int open() {
    return open.get();
  }
}
