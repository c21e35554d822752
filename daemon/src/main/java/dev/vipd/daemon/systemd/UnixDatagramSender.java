package dev.vipd.daemon.systemd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * An unconnected {@code AF_UNIX} {@code SOCK_DGRAM} socket that sends to one address, bound with
 * jnr-ffi because {@link java.nio.channels.DatagramChannel} has no Unix datagram support.
 *
 * <p>The address is a filesystem path, or an abstract name when it starts with {@code @} (the
 * kernel's form is a NUL byte followed by the name, with the address length marking its end).
 */
final class UnixDatagramSender implements AutoCloseable {

  /** The libc calls used here. Public only because jnr-ffi implements it from another loader. */
  @SaveError
  public interface Api {
    int socket(int domain, int type, int protocol);

    @ssize_t
    long sendto(
        int fd, @In byte[] buffer, @size_t long length, int flags, @In Pointer to, int toLength);

    int close(int fd);

    String strerror(int errno);
  }

  private static final class Holder {
    static final Api LIBC = LibraryLoader.create(Api.class).load("c");
    static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
  }

  static final int AF_UNIX = 1;
  static final int SOCK_DGRAM = 2;
  static final int SOCK_CLOEXEC = 0x80000;

  /** Never raise SIGPIPE in the JVM if the receiver went away. */
  static final int MSG_NOSIGNAL = 0x4000;

  /** {@code sizeof(struct sockaddr_un)}: a 2-byte family and 108 bytes of {@code sun_path}. */
  static final int SOCKADDR_UN_SIZE = 110;

  /** Longest path or abstract name: {@code sun_path} less the NUL (path) or lead byte (name). */
  static final int MAX_ADDRESS_BYTES = 107;

  private final String target;
  private final Pointer address;
  private final int addressLength;
  private int fd = -1;

  /**
   * @param target an absolute path, or {@code @name} for an abstract address
   * @throws IllegalArgumentException when the target is neither or is too long
   */
  UnixDatagramSender(String target) {
    this.target = target;
    boolean isAbstract = target.startsWith("@");
    if (!isAbstract && !target.startsWith("/")) {
      throw new IllegalArgumentException(
          "invalid AF_UNIX address: '" + target + "' (expected: an absolute path or @name)");
    }
    byte[] name = (isAbstract ? target.substring(1) : target).getBytes(StandardCharsets.UTF_8);
    if (name.length > MAX_ADDRESS_BYTES || (isAbstract && name.length == 0)) {
      throw new IllegalArgumentException(
          "invalid AF_UNIX address: '"
              + target
              + "' (expected: 1-"
              + MAX_ADDRESS_BYTES
              + " bytes after the prefix)");
    }
    address = Memory.allocateDirect(Holder.RUNTIME, SOCKADDR_UN_SIZE, true);
    address.putShort(0, (short) AF_UNIX); // sun_family, host order
    // sun_path: the path and its NUL, or a NUL and the name (the zeroed memory provides the NULs)
    address.put(isAbstract ? 3 : 2, name, 0, name.length);
    addressLength = 2 + 1 + name.length;
  }

  /** Sends one datagram, opening the socket on first use. */
  synchronized void send(String message) throws IOException {
    if (fd < 0) {
      fd = Holder.LIBC.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (fd < 0) {
        throw failure("opening an AF_UNIX datagram socket");
      }
    }
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    long sent = Holder.LIBC.sendto(fd, bytes, bytes.length, MSG_NOSIGNAL, address, addressLength);
    if (sent != bytes.length) {
      throw failure("sending to " + target);
    }
  }

  @Override
  public synchronized void close() {
    if (fd >= 0) {
      Holder.LIBC.close(fd);
      fd = -1;
    }
  }

  private static IOException failure(String what) {
    int errno = Holder.RUNTIME.getLastError();
    return new IOException(what + ": " + Holder.LIBC.strerror(errno));
  }
}
