package dev.vipd.protocol.raw;

import dev.vipd.protocol.spi.FrameDrops;
import dev.vipd.protocol.spi.FrameHandler;
import dev.vipd.protocol.spi.L2Socket;
import dev.vipd.protocol.spi.PacketStatistics;
import dev.vipd.protocol.spi.SocketFilter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link L2Socket} over a Linux {@code AF_PACKET} raw socket, polled by a Netty epoll event
 * loop through the public {@code IoHandle} API.
 *
 * <p>{@link #open} does everything that depends on the network namespace (interface lookup,
 * {@code socket}, {@code bind}, MAC and MTU) on the calling thread, so a caller that has entered
 * another namespace opens the socket there; only polling happens on the event loop. The socket
 * starts with a reject-all BPF filter and ignores the frames it sends itself.
 *
 * <p>On readiness the loop drains the socket into one reused direct buffer and calls the handler
 * once per frame. Nothing on the receive or send path allocates. Errors are counted in {@code
 * vipd_frames_dropped_total{interface,reason}} and logged at most once per {@link #LOG_PERIOD_SECONDS}
 * per kind of error; a handler exception never stops the loop.
 *
 * <p>{@link #close()} is safe from any thread. Called off the loop it cancels the registration on
 * the loop and waits for that (at most {@link #CLOSE_WAIT_MILLIS} ms), so the handler is not called
 * after it returns; only if the loop is stuck longer (a handler that blocks) can one more frame
 * already being handled finish. The descriptor is closed once no thread uses it any more.
 */
public final class PacketSocket implements L2Socket {
  private static final Logger log = LoggerFactory.getLogger(PacketSocket.class);
  private static final LibC.Api LIBC = LibC.INSTANCE;

  /** Ethernet header plus one VLAN tag: what a frame may carry beyond the MTU. */
  private static final int HEADROOM = 14 + 4;
  /**
   * Frames handled per readiness event before yielding to the loop's other sockets and tasks.
   * Epoll is level-triggered here, so the rest is picked up on the next turn.
   */
  private static final int FRAMES_PER_WAKEUP = 512;
  /** Upper bound of an off-loop close(); a loop turn normally takes microseconds. */
  static final long CLOSE_WAIT_MILLIS = 1000;
  /** One log line per kind of error per period: errors can repeat on every frame. */
  static final long LOG_PERIOD_SECONDS = 10;

  private static final ThreadLocal<SendBuffer> SEND_BUFFERS =
      ThreadLocal.withInitial(() -> new SendBuffer(2048));

  private final String interfaceName;
  private final int interfaceIndex;
  private final long mac;
  private final EtherKind kind;
  private final String description;
  private final int fd;
  private final FileDescriptor nettyFd;
  private final FrameHandler handler;
  private final Poller poller = new Poller();
  private final DescriptorGuard guard;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final LoopRegistration registration;

  private final ByteBuf receiveBuf;
  private final long receiveAddress;
  private final int receiveCapacity;

  private final FrameDrops meters;
  private final boolean ownsMeters;
  private final LongSupplier kernelDrops = () -> statistics().dropped();
  private final LogLimiter sendLog = new LogLimiter(LOG_PERIOD_SECONDS, TimeUnit.SECONDS);
  private final LogLimiter receiveLog = new LogLimiter(LOG_PERIOD_SECONDS, TimeUnit.SECONDS);
  private final LogLimiter handlerLog = new LogLimiter(LOG_PERIOD_SECONDS, TimeUnit.SECONDS);

  private final Object statisticsLock = new Object();
  private long received; // guarded by statisticsLock
  private long dropped; // guarded by statisticsLock

  private PacketSocket(
      IoEventLoop loop, String interfaceName, int interfaceIndex, EtherKind kind, int fd,
      long mac, int mtu, FrameHandler handler, FrameDrops meters, boolean ownsMeters) {
    this.interfaceName = interfaceName;
    this.interfaceIndex = interfaceIndex;
    this.kind = kind;
    this.description = kindName(kind) + " socket on " + interfaceName;
    this.fd = fd;
    this.nettyFd = new FileDescriptor(fd);
    this.mac = mac;
    this.handler = handler;
    this.guard = new DescriptorGuard(this::closeDescriptor);
    this.registration = new LoopRegistration(loop, poller);
    this.receiveCapacity = mtu + HEADROOM;
    ByteBuffer receive = ByteBuffer.allocateDirect(receiveCapacity);
    this.receiveAddress = NativeSockets.address(receive);
    this.receiveBuf = Unpooled.wrappedBuffer(receive);
    this.meters = meters;
    this.ownsMeters = ownsMeters;
    meters.attach(kernelDrops);
  }

  /**
   * Opens a socket for {@code kind} frames on {@code interfaceName} in the calling thread's
   * network namespace and starts polling it on {@code loop}, an event loop of a {@code
   * MultiThreadIoEventLoopGroup} built with {@code EpollIoHandler.newFactory()}. The socket
   * reports into {@code meters}, the interface's one drop meter set, which its owner closes.
   *
   * @throws IllegalArgumentException if the interface does not exist, the loop is not epoll or
   *     {@code meters} belongs to another interface
   * @throws IOException if the kernel refuses the socket (for example without CAP_NET_RAW)
   */
  public static PacketSocket open(
      IoEventLoop loop, String interfaceName, EtherKind kind, FrameHandler handler,
      FrameDrops meters) throws IOException {
    Objects.requireNonNull(meters, "meters");
    if (!meters.interfaceName().equals(interfaceName)) {
      throw new IllegalArgumentException("invalid drop meters: of " + meters.interfaceName()
          + " (expected: of " + interfaceName + ")");
    }
    return open(loop, interfaceName, kind, handler, meters, false);
  }

  /**
   * Opens a lone socket (a test or benchmark peer) with a drop meter set of its own, removed from
   * {@code registry} when the socket closes. A data plane with two sockets on one interface uses
   * {@link #open(IoEventLoop, String, EtherKind, FrameHandler, FrameDrops)} with one shared set.
   */
  public static PacketSocket open(
      IoEventLoop loop, String interfaceName, EtherKind kind, FrameHandler handler,
      MeterRegistry registry) throws IOException {
    Objects.requireNonNull(registry, "registry");
    return open(loop, interfaceName, kind, handler, new FrameDrops(registry, interfaceName), true);
  }

  private static PacketSocket open(
      IoEventLoop loop, String interfaceName, EtherKind kind, FrameHandler handler,
      FrameDrops meters, boolean ownsMeters) throws IOException {
    Objects.requireNonNull(loop, "loop");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(handler, "handler");
    if (!loop.isCompatible(Poller.class)) {
      throw new IllegalArgumentException("not an epoll event loop: " + loop);
    }
    String what = "opening " + kindName(kind) + " socket on " + interfaceName;
    NativeSockets.Opened raw;
    try {
      raw = NativeSockets.openPacket(interfaceName, kind.code(), BpfFilters.rejectAll(), what);
    } catch (IOException | RuntimeException e) {
      if (ownsMeters) {
        meters.close();
      }
      throw e;
    }
    PacketSocket socket = new PacketSocket(
        loop, interfaceName, raw.interfaceIndex(), kind, raw.fd(), raw.mac(), raw.mtu(), handler,
        meters, ownsMeters);
    try {
      socket.registration.arm();
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw new IOException(what + ": " + e.getMessage(), e);
    }
    return socket;
  }

  @Override
  public String interfaceName() {
    return interfaceName;
  }

  @Override
  public int interfaceIndex() {
    return interfaceIndex;
  }

  @Override
  public long mac() {
    return mac;
  }

  /** The EtherType this socket is bound to. */
  public EtherKind kind() {
    return kind;
  }

  @Override
  public boolean send(ByteBuf frame) {
    int length = frame.readableBytes();
    if (!guard.acquire()) {
      failed(meters.sendError(), sendLog, "send", "socket closed");
      return false;
    }
    try {
      long address;
      if (frame.hasMemoryAddress()) {
        address = frame.memoryAddress() + frame.readerIndex();
      } else {
        address = SEND_BUFFERS.get().copy(frame);
      }
      long sent = LIBC.send(fd, address, length, 0);
      if (sent == length) {
        return true;
      }
      String error = sent < 0 ? LibC.lastError() : "short send of " + sent + "/" + length;
      failed(meters.sendError(), sendLog, "send", error);
      return false;
    } finally {
      guard.release();
    }
  }

  /** Counts one dropped frame and logs it unless the limiter holds the line back. */
  private void failed(Counter counter, LogLimiter limiter, String op, String error) {
    counter.increment();
    long suppressed = limiter.tryAcquire();
    if (suppressed >= 0) {
      log.warn("interface={} protocol={} op={} error=\"{}\" suppressed={}",
          interfaceName, kind.label(), op, error, suppressed);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Ignored once the socket is closed.
   *
   * @throws UncheckedIOException if the kernel refuses the program
   */
  @Override
  public void setFilter(SocketFilter filter) {
    Objects.requireNonNull(filter, "filter");
    if (!guard.acquire()) {
      return;
    }
    try {
      NativeSockets.attachFilter(fd, filter, "setting the filter of " + description);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      guard.release();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reading the kernel's counters resets them, so they are added up here. After close, returns
   * the totals at close.
   */
  @Override
  public PacketStatistics statistics() {
    synchronized (statisticsLock) {
      if (guard.acquire()) {
        try {
          readKernelStatistics();
        } finally {
          guard.release();
        }
      }
      return new PacketStatistics(received, dropped);
    }
  }

  private void readKernelStatistics() {
    long[] delta = NativeSockets.packetStatistics(fd);
    if (delta == null) {
      log.warn("interface={} protocol={} op=statistics error=\"{}\"",
          interfaceName, kind.label(), LibC.lastError());
      return;
    }
    received += delta[0];
    dropped += delta[1];
  }


  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    if (!registration.cancel(CLOSE_WAIT_MILLIS)) {
      log.warn("interface={} protocol={} op=close error=\"event loop busy for {} ms; "
          + "a frame being handled may still finish\"",
          interfaceName, kind.label(), CLOSE_WAIT_MILLIS);
    }
    long finalDrops = statistics().dropped();
    guard.close();
    meters.detach(kernelDrops, finalDrops);
    if (ownsMeters) {
      meters.close();
    }
  }

  /** Runs once, when no thread uses the descriptor any more. */
  private void closeDescriptor() {
    try {
      nettyFd.close();
    } catch (IOException e) {
      log.warn("interface={} protocol={} op=close error=\"{}\"",
          interfaceName, kind.label(), e.getMessage());
    }
  }

  /** Receives until the socket is empty (or the per-wakeup budget is spent); on the loop. */
  private void drain() {
    if (closing.get() || !guard.acquire()) {
      return;
    }
    try {
      for (int i = 0; i < FRAMES_PER_WAKEUP && !closing.get(); i++) {
        long n = LIBC.recv(fd, receiveAddress, receiveCapacity, LibC.MSG_TRUNC);
        if (n < 0) {
          int errno = LibC.errno();
          if (errno == LibC.EAGAIN) {
            return;
          }
          if (errno != LibC.EINTR) {
            failed(meters.receiveError(), receiveLog, "receive", LIBC.strerror(errno));
            return; // a pending socket error is reported once; epoll calls again if readable
          }
        } else if (n > receiveCapacity) {
          oversize(n);
        } else {
          receiveBuf.setIndex(0, (int) n);
          deliver();
        }
      }
    } finally {
      guard.release();
    }
  }

  private void deliver() {
    try {
      handler.onFrame(receiveBuf);
    } catch (Throwable t) {
      if (t instanceof VirtualMachineError) {
        throw (VirtualMachineError) t;
      }
      meters.handlerError().increment();
      long suppressed = handlerLog.tryAcquire();
      if (suppressed >= 0) {
        log.warn("interface={} protocol={} op=handle suppressed={}",
            interfaceName, kind.label(), suppressed, t);
      }
    }
  }

  private void oversize(long oversizeLength) {
    meters.oversize().increment();
    long suppressed = receiveLog.tryAcquire();
    if (suppressed >= 0) {
      log.warn("interface={} protocol={} op=receive error=\"frame of {} bytes exceeds the "
          + "{}-byte buffer\" suppressed={}",
          interfaceName, kind.label(), oversizeLength, receiveCapacity, suppressed);
    }
  }

  @Override
  public String toString() {
    return "PacketSocket[" + description + ", fd " + fd + "]";
  }

  private static String kindName(EtherKind kind) {
    return kind == EtherKind.ARP ? "ARP" : "IPv6";
  }

  /** The socket as Netty's epoll loop sees it. */
  private final class Poller implements EpollIoHandle {
    @Override
    public FileDescriptor fd() {
      return nettyFd;
    }

    @Override
    public void handle(IoRegistration registration, IoEvent event) {
      drain();
    }

    /** Called by the loop when it shuts down. */
    @Override
    public void close() {
      PacketSocket.this.close();
    }
  }
}
