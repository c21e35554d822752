package dev.vipd.protocol.spi;

import io.netty.buffer.ByteBuf;

/**
 * One raw layer-2 socket bound to one interface and one EtherType (ARP or IPv6).
 *
 * <p>Frames arrive through the {@link FrameHandler} given when the socket was opened, always on
 * the socket's own event-loop thread, one complete Ethernet frame at a time. All jnr-ffi and
 * epoll code lives in {@code dev.vipd.protocol.raw}; unit tests use an in-memory implementation.
 */
public interface L2Socket extends AutoCloseable {

  /** Interface name, for logs and metric tags. */
  String interfaceName();

  /** Kernel interface index the socket is bound to. */
  int interfaceIndex();

  /** The interface's hardware address as a 48-bit value (see {@code MacAddress}). */
  long mac();

  /**
   * Sends one complete Ethernet frame: the readable bytes of {@code frame}. Does not release or
   * move the buffer's indices. Safe from any thread.
   *
   * @return false when the kernel refused the frame (the reason is logged and counted by the
   *     socket as a dropped frame)
   */
  boolean send(ByteBuf frame);

  /**
   * Replaces the socket's kernel filter. Until the first call the socket accepts nothing. Safe from
   * any thread; frames already queued in the socket buffer may still be delivered.
   */
  void setFilter(SocketFilter filter);

  /** Counters kept by the kernel for this socket, accumulated since it was opened. */
  PacketStatistics statistics();

  /** Stops receiving and releases the descriptor. Idempotent; returns promptly. */
  @Override
  void close();
}
