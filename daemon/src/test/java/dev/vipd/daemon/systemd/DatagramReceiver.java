package dev.vipd.daemon.systemd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/** A bound AF_UNIX datagram socket standing in for systemd's notify socket in tests. */
public final class DatagramReceiver implements AutoCloseable {

  /** The libc calls the test needs. Public only because jnr-ffi implements it. */
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
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVTIMEO = 20;

  private final int fd;

  /** Binds to a path, or to an abstract name given as {@code @name}. */
  public DatagramReceiver(String address) throws IOException {
    fd = LIBC.socket(UnixDatagramSender.AF_UNIX, UnixDatagramSender.SOCK_DGRAM, 0);
    if (fd < 0) {
      throw failure("socket");
    }
    boolean isAbstract = address.startsWith("@");
    byte[] name = (isAbstract ? address.substring(1) : address).getBytes(StandardCharsets.UTF_8);
    Pointer sockaddr = Memory.allocateDirect(RUNTIME, 110, true);
    sockaddr.putShort(0, (short) UnixDatagramSender.AF_UNIX);
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
    byte[] buffer = new byte[4096];
    long n = LIBC.recv(fd, buffer, buffer.length, 0);
    if (n < 0) {
      int errno = RUNTIME.getLastError();
      if (errno == 11) { // EAGAIN: the timeout passed
        return null;
      }
      throw failure("recv");
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
