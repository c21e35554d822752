package dev.vipd.daemon.systemd;

import dev.vipd.protocol.raw.LibC;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/** A bound AF_UNIX datagram socket standing in for systemd's notify socket in tests. */
public final class DatagramReceiver implements AutoCloseable {
  private static final LibC.Api LIBC = LibC.INSTANCE;
  private static final jnr.ffi.Runtime RUNTIME = LibC.RUNTIME;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVTIMEO = 20;

  private final int fd;

  /** Binds to a path, or to an abstract name given as {@code @name}. */
  public DatagramReceiver(String address) throws IOException {
    fd = LIBC.socket(LibC.AF_UNIX, LibC.SOCK_DGRAM, 0);
    if (fd < 0) {
      throw failure("socket");
    }
    boolean isAbstract = address.startsWith("@");
    byte[] name = (isAbstract ? address.substring(1) : address).getBytes(StandardCharsets.UTF_8);
    Pointer sockaddr = Memory.allocateDirect(RUNTIME, 110, true);
    sockaddr.putShort(0, (short) LibC.AF_UNIX);
    sockaddr.put(isAbstract ? 3 : 2, name, 0, name.length);
    if (LIBC.bind(fd, sockaddr, 3 + name.length) != 0) {
      IOException e = failure("bind " + address);
      LIBC.close(fd);
      throw e;
    }
  }

  /** The next datagram, or null when none arrives within {@code millis}. */
  public String receive(long millis) throws IOException {
    Pointer timeval = Memory.allocateDirect(RUNTIME, 16, true);
    timeval.putLong(0, millis / 1000);
    timeval.putLong(8, (millis % 1000) * 1000);
    if (LIBC.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeval, 16) != 0) {
      throw failure("setsockopt SO_RCVTIMEO");
    }
    ByteBuffer buffer = ByteBuffer.allocateDirect(4096);
    long n = LIBC.recv(fd, Pointer.wrap(RUNTIME, buffer).address(), buffer.capacity(), 0);
    if (n < 0) {
      int errno = RUNTIME.getLastError();
      if (errno == 11) { // EAGAIN: the timeout passed
        return null;
      }
      throw failure("recv");
    }
    byte[] bytes = new byte[(int) n];
    buffer.get(0, bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Datagrams up to and including {@code expected}, or all of them if it does not come in time. */
  public List<String> receiveUntil(String expected, Duration timeout) throws IOException {
    List<String> got = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    for (long left = timeout.toMillis(); left > 0;
        left = (deadline - System.nanoTime()) / 1_000_000) {
      String message = receive(left);
      if (message != null) {
        got.add(message);
        if (message.equals(expected)) {
          break;
        }
      }
    }
    return got;
  }

  @Override
  public void close() {
    LIBC.close(fd);
  }

  private static IOException failure(String what) {
    return new IOException(what + ": " + LibC.lastError());
  }
}
