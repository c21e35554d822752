package dev.vipd.protocol.raw;

import dev.vipd.protocol.spi.FrameHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A frame handler for tests: keeps a copy of every frame and counts them. */
final class Recorder implements FrameHandler {
  final List<byte[]> frames = new CopyOnWriteArrayList<>();
  final AtomicInteger count = new AtomicInteger();
  volatile boolean keep = true;

  @Override
  public void onFrame(ByteBuf frame) {
    if (keep) {
      frames.add(ByteBufUtil.getBytes(frame));
    }
    count.incrementAndGet();
  }

  /** True if an ARP frame with this target IP (offset 38) was seen. */
  boolean sawArpTarget(int targetIp) {
    return frames.stream().anyMatch(f -> f.length >= 42 && ByteBuffer.wrap(f).getInt(38) == targetIp);
  }
}
