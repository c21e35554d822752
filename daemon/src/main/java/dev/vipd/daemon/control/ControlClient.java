package dev.vipd.daemon.control;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Sends one command to a running vipd over its control socket (the CLI's {@code vipd drain}, {@code
 * vipd status}, ...). Failures to reach the daemon are {@link IOException}s whose message is fit to
 * print as is, e.g. {@code cannot reach vipd at /run/vipd/control.sock: No such file or directory
 * (is vipd running?)}.
 */
public final class ControlClient {
  /** Largest reply read; a status document of 10k VIPs is well under 4 MiB. */
  static final int MAX_REPLY = 16 * 1024 * 1024;

  private ControlClient() {}

  /**
   * Sends {@code command} and waits for the reply.
   *
   * @param path the daemon's control socket
   * @param command one command word, e.g. {@code drain}
   * @param timeout for connecting, sending and reading the reply together
   * @return the daemon's reply; an unknown or failed command is a reply with {@code ok == false}
   * @throws IOException when the daemon cannot be reached or does not reply in time
   */
  public static ControlReply send(Path path, String command, Duration timeout) throws IOException {
    if (command.isEmpty() || command.contains("\n")) {
      throw new IllegalArgumentException(
          "invalid command: '" + command + "' (expected: one line, not empty)");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try (SocketChannel socket = SocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = Selector.open()) {
      socket.configureBlocking(false);
      try {
        if (!socket.connect(UnixDomainSocketAddress.of(path))) {
          socket.register(selector, SelectionKey.OP_CONNECT);
          await(selector, deadline, path, timeout);
          socket.finishConnect();
        }
      } catch (IOException e) {
        throw unreachable(path, e);
      }
      ByteBuffer request = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
      socket.register(selector, SelectionKey.OP_WRITE);
      while (request.hasRemaining()) {
        await(selector, deadline, path, timeout);
        write(socket, request, path);
      }
      socket.register(selector, SelectionKey.OP_READ);
      return ControlProtocol.parse(readLine(socket, selector, deadline, path, timeout));
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("malformed reply")) {
        throw new IOException("vipd at " + path + " sent a " + e.getMessage(), e);
      }
      throw e;
    }
  }

  private static String readLine(
      SocketChannel socket, Selector selector, long deadline, Path path, Duration timeout)
      throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    while (true) {
      await(selector, deadline, path, timeout);
      buffer.clear();
      int n = read(socket, buffer, path);
      if (n < 0) {
        if (line.size() == 0) {
          throw new IOException("vipd at " + path + " closed the connection without a reply");
        }
        return line.toString(StandardCharsets.UTF_8);
      }
      for (int i = 0; i < n; i++) {
        byte b = buffer.get(i);
        if (b == '\n') {
          return line.toString(StandardCharsets.UTF_8);
        }
        line.write(b);
      }
      if (line.size() > MAX_REPLY) {
        throw new IOException(
            "reply from vipd at " + path + " too long (expected: at most " + MAX_REPLY + " bytes)");
      }
    }
  }

  private static void write(SocketChannel socket, ByteBuffer data, Path path) throws IOException {
    try {
      socket.write(data);
    } catch (IOException e) {
      throw lost(path, e);
    }
  }

  private static int read(SocketChannel socket, ByteBuffer buffer, Path path) throws IOException {
    try {
      return socket.read(buffer);
    } catch (IOException e) {
      throw lost(path, e);
    }
  }

  private static IOException lost(Path path, IOException cause) {
    return new IOException(
        "lost the connection to vipd at " + path + ": " + cause.getMessage(), cause);
  }

  private static void await(Selector selector, long deadline, Path path, Duration timeout)
      throws IOException {
    selector.selectedKeys().clear();
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IOException(
            "no reply from vipd at " + path + " within " + timeout.toMillis() + " ms");
      }
      if (selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left))) > 0) {
        return;
      }
    }
  }

  private static IOException unreachable(Path path, IOException cause) {
    String reason = cause.getMessage() == null ? cause.toString() : cause.getMessage();
    if (reason.startsWith("no reply")) {
      return cause;
    }
    String hint =
        reason.contains("Permission denied")
            ? " (the control socket is for root only)"
            : " (is vipd running?)";
    return new IOException("cannot reach vipd at " + path + ": " + reason + hint, cause);
  }
}
