package dev.vipd.daemon.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * systemd's side of {@code sd_notify} for the end-to-end tests: an {@code AF_UNIX} datagram socket
 * bound to a path (reachable from any network namespace, since path sockets live in the file
 * system), read with a timeout. Bound with jnr-ffi because {@code DatagramChannel} has no Unix
 * datagram support.
 */
final class NotifySocket implements AutoCloseable {

  /** The libc calls used here. Public only because jnr-ffi implements it from another loader. */
  @SaveError
  public interface Api {
    int socket(int domain, int type, int protocol);

    int bind(int fd, @In Pointer address, int length);

    int setsockopt(int fd, int level, int option, @In Pointer value, int length);

    @ssize_t
    long recv(int fd, @Out byte[] buffer, @size_t long length, int flags);

    int close(int fd);

    String strerror(int errno);
  }

  private static final Api LIBC = LibraryLoader.create(Api.class).load("c");
  private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
  private static final int AF_UNIX = 1;
  private static final int SOCK_DGRAM = 2;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVTIMEO = 20;
  private static final int EAGAIN = 11;
  /** {@code sizeof(struct sockaddr_un)}: a 2-byte family and 108 bytes of {@code sun_path}. */
  private static final int SOCKADDR_UN_SIZE = 110;

  private final Path path;
  private final int fd;

  /** Binds a new socket at {@code path} (which must not exist yet). */
  NotifySocket(Path path) throws IOException {
    this.path = path;
    byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
    if (name.length > SOCKADDR_UN_SIZE - 3) {
      throw new IllegalArgumentException("invalid notify socket path: " + path
          + " (expected: at most " + (SOCKADDR_UN_SIZE - 3) + " bytes)");
    }
    fd = LIBC.socket(AF_UNIX, SOCK_DGRAM, 0);
    if (fd < 0) {
      throw failure("opening an AF_UNIX datagram socket");
    }
    Pointer address = Memory.allocateDirect(RUNTIME, SOCKADDR_UN_SIZE, true);
    address.putShort(0, (short) AF_UNIX);
    address.put(2, name, 0, name.length); // the zeroed memory supplies the NUL
    if (LIBC.bind(fd, address, 3 + name.length) != 0) {
      IOException e = failure("binding the notify socket " + path);
      LIBC.close(fd);
      throw e;
    }
  }

  Path path() {
    return path;
  }

  /** The next datagram, or null when none arrives within {@code millis} (at least 1). */
  String receive(long millis) throws IOException {
    long bounded = Math.max(1, millis);
    Pointer timeval = Memory.allocateDirect(RUNTIME, 16, true);
    timeval.putLong(0, bounded / 1000);
    timeval.putLong(8, (bounded % 1000) * 1000);
    if (LIBC.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeval, 16) != 0) {
      throw failure("setting SO_RCVTIMEO on " + path);
    }
    byte[] buffer = new byte[4096];
    long n = LIBC.recv(fd, buffer, buffer.length, 0);
    if (n < 0) {
      if (RUNTIME.getLastError() == EAGAIN) {
        return null;
      }
      throw failure("receiving on " + path);
    }
    return new String(buffer, 0, (int) n, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    LIBC.close(fd);
  }

  private static IOException failure(String what) {
    return new IOException(what + ": " + LIBC.strerror(RUNTIME.getLastError()));
  }
}
