package dev.vipd.daemon.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Bounds what one connection can make the endpoint hold (one per connection; the channel runs
 * with {@code AUTO_READ} off).
 *
 * <p>A client may pipeline requests and never read the answers. Without a bound every request
 * gets a response that waits in the outbound buffer, and the heap grows without limit. Here one
 * request is answered at a time: the next one goes to the routes only once the previous
 * response was written to the socket and the channel is writable; the socket is read again only
 * when every decoded request was answered. A client that stops reading therefore stalls its own
 * connection after the kernel's socket buffers fill, with one response at most held by vipd,
 * while other connections are served as usual. Requests decoded from one read wait here, at
 * most {@link #MAX_QUEUED} of them (a read is at most {@link HttpEndpoint#READ_BUFFER} bytes); a
 * connection that exceeds that is closed. One at a time also keeps the responses in request
 * order when one of them ({@code /status}) is computed off the event loop.
 */
final class PipelineLimiter extends ChannelDuplexHandler {
  /**
   * Requests from one read waiting for their turn. The smallest request line plus Host header is
   * ~30 bytes, so a 4 KiB read holds ~140; 256 leaves room and closes only a hostile client.
   */
  static final int MAX_QUEUED = 256;

  private final ArrayDeque<Object> queued = new ArrayDeque<>();
  private boolean answering; // a request went to the routes and its response is not written yet

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    ctx.read();
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (queued.size() >= MAX_QUEUED) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    queued.add(msg);
    drain(ctx);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.fireChannelReadComplete();
    readMoreIfIdle(ctx);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (!(msg instanceof HttpResponse)) {
      ctx.write(msg, promise);
      return;
    }
    ChannelPromise written = promise.unvoid();
    written.addListener(f -> {
      answering = false;
      drain(ctx);
    });
    ctx.write(msg, written);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    drain(ctx);
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    queued.forEach(ReferenceCountUtil::release);
    queued.clear();
    super.channelInactive(ctx);
  }

  /** Hands the next request to the routes when the previous answer is out and there is room. */
  private void drain(ChannelHandlerContext ctx) {
    while (!answering && !queued.isEmpty() && ctx.channel().isWritable()
        && ctx.channel().isActive()) {
      answering = true;
      ctx.fireChannelRead(queued.poll());
    }
    readMoreIfIdle(ctx);
  }

  private void readMoreIfIdle(ChannelHandlerContext ctx) {
    if (!answering && queued.isEmpty() && ctx.channel().isWritable()) {
      ctx.read();
    }
  }
}
