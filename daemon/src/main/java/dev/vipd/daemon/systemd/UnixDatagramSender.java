package dev.vipd.daemon.systemd;

import static dev.vipd.protocol.raw.LibC.AF_UNIX;
import static dev.vipd.protocol.raw.LibC.MSG_NOSIGNAL;
import static dev.vipd.protocol.raw.LibC.SOCK_CLOEXEC;
import static dev.vipd.protocol.raw.LibC.SOCK_DGRAM;

import dev.vipd.protocol.raw.LibC;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;

/**
 * An unconnected {@code AF_UNIX} {@code SOCK_DGRAM} socket that sends to one address, bound with
 * vipd's one libc binding ({@link LibC}) because {@link java.nio.channels.DatagramChannel} has no
 * Unix datagram support.
 *
 * <p>The address is a filesystem path, or an abstract name when it starts with {@code @} (the
 * kernel's form is a NUL byte followed by the name, with the address length marking its end).
 */
final class UnixDatagramSender implements AutoCloseable {

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
    address = Memory.allocateDirect(LibC.RUNTIME, SOCKADDR_UN_SIZE, true);
    address.putShort(0, (short) AF_UNIX); // sun_family, host order
    // sun_path: the path and its NUL, or a NUL and the name (the zeroed memory provides the NULs)
    address.put(isAbstract ? 3 : 2, name, 0, name.length);
    addressLength = 2 + 1 + name.length;
  }

  /** Sends one datagram, opening the socket on first use. */
  synchronized void send(String message) throws IOException {
    if (fd < 0) {
      fd = LibC.INSTANCE.socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (fd < 0) {
        throw failure("opening an AF_UNIX datagram socket");
      }
    }
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    long sent = LibC.INSTANCE.sendto(fd, bytes, bytes.length, MSG_NOSIGNAL, address, addressLength);
    if (sent != bytes.length) {
      throw failure("sending to " + target);
    }
  }

  @Override
  public synchronized void close() {
    if (fd >= 0) {
      LibC.INSTANCE.close(fd);
      fd = -1;
    }
  }

  private static IOException failure(String what) {
    return new IOException(what + ": " + LibC.lastError());
  }
}
