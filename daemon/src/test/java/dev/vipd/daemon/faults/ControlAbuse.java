package dev.vipd.daemon.faults;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Raw clients of a daemon's control socket: any bytes, slow ones, many at once. */
final class ControlAbuse implements AutoCloseable {
  private final Path socket;
  private final List<SocketChannel> held = new ArrayList<>();

  ControlAbuse(Path socket) {
    this.socket = socket;
  }

  /**
   * Sends {@code request} (then half-closes when {@code close}), and returns what came back
   * before the server closed or {@code timeoutMillis} passed; null when the connect failed.
   */
  String exchange(byte[] request, boolean close, long timeoutMillis) {
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ch.write(ByteBuffer.wrap(request));
      if (close) {
        ch.shutdownOutput();
      }
      ch.configureBlocking(false);
      ByteBuffer buf = ByteBuffer.allocate(1 << 20);
      long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
      while (System.nanoTime() < deadline) {
        int n;
        try {
          n = ch.read(buf);
        } catch (IOException e) {
          break; // reset by the server
        }
        if (n < 0) {
          break;
        }
        if (n == 0) {
          Thread.sleep(2);
        }
      }
      buf.flip();
      return StandardCharsets.UTF_8.decode(buf).toString();
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** {@code status} as the CLI asks it; true when a full ok reply came back. */
  boolean status(long timeoutMillis) {
    String reply = exchange("status\n".getBytes(StandardCharsets.US_ASCII), false,
        timeoutMillis);
    return reply != null && reply.startsWith("{\"ok\":true,\"result\":{") && reply.endsWith("}\n");
  }

  /** Opens {@code count} connections that send {@code prefix} and then nothing; kept open. */
  int hold(int count, byte[] prefix) {
    int opened = 0;
    for (int i = 0; i < count; i++) {
      try {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        if (prefix.length > 0) {
          ch.write(ByteBuffer.wrap(prefix));
        }
        held.add(ch);
        opened++;
      } catch (IOException e) {
        // the server's backlog is full: that is the point
      }
    }
    return opened;
  }

  /** Sends one more byte on every held connection (a client typing very slowly). */
  void trickle() {
    for (SocketChannel ch : held) {
      try {
        ch.write(ByteBuffer.wrap(new byte[] {'s'}));
      } catch (IOException e) {
        // dropped by the server's client timeout
      }
    }
  }

  @Override
  public void close() {
    for (SocketChannel ch : held) {
      try {
        ch.close();
      } catch (IOException e) {
        // best effort
      }
    }
    held.clear();
  }
}
