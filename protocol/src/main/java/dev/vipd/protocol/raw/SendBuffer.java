package dev.vipd.protocol.raw;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * A direct buffer, kept per sending thread, for frames that have no native address of their own
 * (heap or composite buffers): {@code send(2)} needs one. Grows when a frame does not fit.
 */
final class SendBuffer {
  private ByteBuffer buffer;
  private long address;

  SendBuffer(int capacity) {
    allocate(capacity);
  }

  /** Copies the readable bytes of {@code frame} and returns their native address. */
  long copy(ByteBuf frame) {
    int length = frame.readableBytes();
    if (length > buffer.capacity()) {
      allocate(length);
    }
    buffer.clear().limit(length);
    frame.getBytes(frame.readerIndex(), buffer);
    return address;
  }

  private void allocate(int capacity) {
    buffer = ByteBuffer.allocateDirect(capacity);
    address = NativeSockets.address(buffer);
  }
}
