package dev.vipd.protocol.spi;

import io.netty.buffer.ByteBuf;

/** Receives frames from an {@link L2Socket}, on the socket's event-loop thread. */
@FunctionalInterface
public interface FrameHandler {

  /**
   * Handles one Ethernet frame: the buffer's readable bytes. The buffer is owned by the socket and
   * reused for the next frame: do not keep, retain or release it.
   */
  void onFrame(ByteBuf frame);
}
