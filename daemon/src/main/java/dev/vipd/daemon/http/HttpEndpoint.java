package dev.vipd.daemon.http;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The read-only HTTP endpoint for operators and Prometheus: {@code GET /metrics}, {@code GET
 * /status} and {@code GET /healthz} (see {@link HttpRoutes} for the answers).
 *
 * <p>One event-loop thread serves every connection: scrapes are rare and small, and a second thread
 * would buy nothing but contention with the data plane. Requests are bounded (line, headers and
 * body), connections idle for {@link #IDLE_TIMEOUT} are closed, and HTTP/1.1 keep-alive is
 * honoured.
 *
 * <p>Limits, so that no client can grow the daemon's memory or stall the other clients: at most
 * {@link #MAX_CONNECTIONS} connections ({@link ConnectionLimiter}); per connection one request
 * answered at a time, the socket read only when the answers are out and the channel is writable
 * ({@link PipelineLimiter}, reads of at most {@link #READ_BUFFER} bytes); {@code /status}
 * computed off the event loop with a bound ({@link StatusSource}).
 *
 * <p>Lifecycle: the constructor only stores its arguments; {@link #start()} binds and {@link
 * #close()} unbinds and stops the thread, after which the port can be bound again at once.
 */
public final class HttpEndpoint implements AutoCloseable {

  /**
   * Connections that send nothing for this long are closed. Prometheus scrapes every 15-60 s and
   * reconnects cheaply, so 30 s frees abandoned connections without churning scrapers that keep
   * their connection open between scrapes at short intervals.
   */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

  /** Longest request line (method, path, version): our paths are a few bytes. */
  static final int MAX_INITIAL_LINE = 4096;

  /** Largest header block; browsers and scrapers send well under 2 KiB. */
  static final int MAX_HEADER_SIZE = 8192;

  /** Largest request body accepted (and ignored); a read-only API has no use for bodies. */
  static final int MAX_BODY = 8192;

  /**
   * Connections kept open at once. A node has a scraper or two and the odd operator; 64 leaves
   * room for many while bounding what a client opening connections in a loop can hold.
   */
  static final int MAX_CONNECTIONS = 64;

  /** Bytes read from a connection at a time: a scrape's request is ~200 bytes. */
  static final int READ_BUFFER = 4096;

  private final InetSocketAddress bindAddress;
  private final HttpRoutes routes;
  private final Duration idleTimeout;
  private final int maxConnections;
  private final MeterRegistry registry;
  private EventLoopGroup group;
  private Channel serverChannel;

  /**
   * @param bindAddress host and port to listen on; port 0 picks a free port ({@link
   *     #localAddress()})
   * @param registry the registry {@code /metrics} scrapes
   * @param status the JSON document {@code /status} returns
   * @param healthy whether {@code /healthz} answers 200
   * @param unhealthyReason the text of a 503 from {@code /healthz}
   */
  public HttpEndpoint(
      InetSocketAddress bindAddress,
      PrometheusMeterRegistry registry,
      Supplier<String> status,
      BooleanSupplier healthy,
      Supplier<String> unhealthyReason) {
    this(bindAddress, new HttpRoutes(registry, status, healthy, unhealthyReason), IDLE_TIMEOUT,
        MAX_CONNECTIONS, registry);
  }

  HttpEndpoint(InetSocketAddress bindAddress, HttpRoutes routes, Duration idleTimeout) {
    this(bindAddress, routes, idleTimeout, MAX_CONNECTIONS, new SimpleMeterRegistry());
  }

  HttpEndpoint(InetSocketAddress bindAddress, HttpRoutes routes, Duration idleTimeout,
      int maxConnections, MeterRegistry registry) {
    this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
    this.routes = Objects.requireNonNull(routes, "routes");
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException(
          "invalid idle timeout: " + idleTimeout + " (expected: more than 0)");
    }
    this.idleTimeout = idleTimeout;
    this.maxConnections = maxConnections;
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /** Binds the port and starts serving. */
  public synchronized void start() throws IOException {
    if (group != null) {
      throw new IllegalStateException("HTTP endpoint already started");
    }
    group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("vipd-http", true), NioIoHandler.newFactory());
    long idleMillis = idleTimeout.toMillis();
    ConnectionLimiter connections = new ConnectionLimiter(maxConnections, registry);
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.AUTO_READ, false)
            .childOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(READ_BUFFER))
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(connections)
                        .addLast(new IdleStateHandler(0, 0, idleMillis, TimeUnit.MILLISECONDS))
                        .addLast(new CloseWhenIdle())
                        .addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_SIZE, 8192))
                        .addLast(new HttpServerKeepAliveHandler())
                        .addLast(new HttpObjectAggregator(MAX_BODY))
                        .addLast(new PipelineLimiter())
                        .addLast(routes);
                  }
                });
    try {
      serverChannel = bootstrap.bind(bindAddress).syncUninterruptibly().channel();
    } catch (Exception e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
      group = null;
      throw new IOException(
          "binding the HTTP endpoint to " + hostPort(bindAddress) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Runs {@code task} on the endpoint's event loop (a heartbeat: a stuck loop never runs it).
   *
   * @throws java.util.concurrent.RejectedExecutionException when not started or closed
   */
  public void execute(Runnable task) {
    EventLoopGroup g;
    synchronized (this) {
      g = group;
    }
    if (g == null) {
      throw new java.util.concurrent.RejectedExecutionException("HTTP endpoint not running");
    }
    g.execute(task);
  }

  /** The address actually bound (with the chosen port when configured with port 0). */
  public synchronized InetSocketAddress localAddress() {
    if (serverChannel == null) {
      throw new IllegalStateException("HTTP endpoint not started");
    }
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** Closes the listening socket and every connection, and stops the event-loop thread. */
  @Override
  public synchronized void close() {
    if (group == null) {
      return;
    }
    if (serverChannel != null) {
      serverChannel.close().syncUninterruptibly();
      serverChannel = null;
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    group = null;
    routes.close();
  }

  private static String hostPort(InetSocketAddress a) {
    String host = a.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  /** Closes a connection on which nothing was read or written for the idle timeout. */
  private static final class CloseWhenIdle extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof IdleStateEvent) {
        ctx.close();
      } else {
        super.userEventTriggered(ctx, event);
      }
    }
  }
}
