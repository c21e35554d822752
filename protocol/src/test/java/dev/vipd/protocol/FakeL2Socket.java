package dev.vipd.protocol;

import dev.vipd.protocol.spi.L2Socket;
import dev.vipd.protocol.spi.PacketStatistics;
import dev.vipd.protocol.spi.SocketFilter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** An in-memory {@link L2Socket} for unit tests: records what is sent and the filter set. */
final class FakeL2Socket implements L2Socket {
  final List<byte[]> sent = new ArrayList<>();
  SocketFilter filter;
  /** Filters set so far (a batch should cost one per family). */
  int filterCalls;
  /** Longer programs are refused as the kernel refuses them over optmem_max (ENOMEM). */
  int maxInstructions = SocketFilter.MAX_INSTRUCTIONS;
  boolean failSends;
  boolean closed;
  private final long mac;

  FakeL2Socket(long mac) {
    this.mac = mac;
  }

  @Override
  public String interfaceName() {
    return "fake0";
  }

  @Override
  public int interfaceIndex() {
    return 7;
  }

  @Override
  public long mac() {
    return mac;
  }

  @Override
  public synchronized boolean send(ByteBuf frame) {
    if (failSends) {
      return false;
    }
    sent.add(ByteBufUtil.getBytes(frame));
    return true;
  }

  @Override
  public void setFilter(SocketFilter filter) {
    filterCalls++;
    if (filter.length() > maxInstructions) {
      throw new UncheckedIOException(new IOException("setting the filter of fake0: attaching a "
          + filter.length() + "-instruction BPF filter: Cannot allocate memory"));
    }
    this.filter = filter;
  }

  @Override
  public PacketStatistics statistics() {
    return new PacketStatistics(0, 0);
  }

  @Override
  public void close() {
    closed = true;
  }
}
